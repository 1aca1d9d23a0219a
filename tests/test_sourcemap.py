from coach.sourcemap import scan_key_lines

TEXT = """\
name = "x"
[defaults]
kind = "stretch"
[[step]]
name = "a"
  [[step.cue]]
  at = "1s"
  [[step.cue]]
  at = "2s"
[[step]]
name = '''
many
lines'''
duration = 3
  [[step.cue]]
  "at" = "3s"
"""


def test_maps_key_paths_to_lines() -> None:
    lines = scan_key_lines(TEXT)
    assert lines[("name",)] == 1
    assert lines[("defaults", "kind")] == 3
    assert lines[("step",)] == 4
    assert lines[("step", 0, "cue", 1, "at")] == 9
    assert lines[("step", 1, "name")] == 11
    assert lines[("step", 1, "duration")] == 14
    # A new step starts its cues from zero again.
    assert lines[("step", 1, "cue", 0, "at")] == 16
