"""coach: a terminal coach for timed stretch, strength and self-massage routines."""

__version__ = "0.1.0"
