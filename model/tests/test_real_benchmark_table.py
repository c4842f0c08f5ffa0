"""The table of model/experiments/real_benchmark.py on hand-made runs (no data needed)."""
import importlib.util
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "experiments" / "real_benchmark.py"


def load_script():
    sys.path.insert(0, str(SCRIPT.parent))  # its sibling modules, as when it runs as a script
    spec = importlib.util.spec_from_file_location("real_benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def made_run(seed, named, named_right, unknown):
    events = {"found_fraction": 0.5, "false_alarms_per_hour": 2.0, "normal_videos_with_alarm": 1,
              "median_delay_segments": 0.0, "category_top1": 0.2, "majority_baseline": 0.1,
              "category": {"named": named, "named_right": named_right, "unknown": unknown}}
    return {"variant": "v", "seed": seed, "epochs": 10, "frame_auc": 0.7, "frame_ap": 0.1, "streaming_auc_w32": 0.7,
            "events": events, "train_mil": 0.1, "train_seconds": 1.0, "eval_seconds": 1.0}


def cells(text):
    head, _, row = text.splitlines()
    return dict(zip([c.strip() for c in head.split("|")], [c.strip() for c in row.split("|")]))


def test_the_test_table_says_how_many_found_events_show_a_category_and_how_many_unknown():
    table = load_script().table([made_run(0, 4, 1, 6), made_run(1, 2, 1, 10)], False, {32: 32})
    row = cells(table)
    assert row["events named (right)"] == "3.0 +- 1.0 (1.0 +- 0.0)"
    assert row["events unknown"] == "8.0 +- 2.0"


def test_runs_from_before_the_category_confidence_show_a_dash():
    run = made_run(0, 0, 0, 0)
    run["events"]["category"] = {}
    row = cells(load_script().table([run], False, {32: 32}))
    assert row["events named (right)"] == "- (-)" and row["events unknown"] == "-"
