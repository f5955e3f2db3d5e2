"""routing_eval: output format on a small fixture, and (when the development data is present)
the figures on the dev set."""

import json
import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

KEYS = ["category_top1", "category_top3", "org_accuracy", "dup_precision", "dup_recall", "ms_per_request", "n"]

TRAIN = [
    {"id": "t1", "text": "公司拖欠工资三个月不发", "category": "union.legal", "org": "union", "channel": "phone", "dup_group": None},
    {"id": "t2", "text": "老板欠薪跑路了", "category": "union.legal", "org": "union", "channel": "web", "dup_group": None},
    {"id": "t3", "text": "想预约科普讲座进社区", "category": "science.popular", "org": "science", "channel": "web", "dup_group": None},
    {"id": "t4", "text": "残疾人证到期怎么换", "category": "disabled.certificate", "org": "disabled", "channel": "web", "dup_group": None},
]
EVAL = [
    {"id": "e1", "text": "建设路人民医院门口的盲道被电动车占满了", "category": "disabled.access", "org": "disabled", "channel": "phone", "dup_group": "g1"},
    {"id": "e2", "text": "老板三个月没发工资", "category": "union.legal", "org": "union", "channel": "wechat", "dup_group": None},
    {"id": "e3", "text": "人民医院那段建设路盲道上又停满电瓶车,谁管管", "category": "disabled.access", "org": "disabled", "channel": "web", "dup_group": "g1"},
    {"id": "e4", "text": "😀😀", "category": "other.government", "org": "other", "channel": "web", "dup_group": None},
]


def write(path: Path, rows):
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")


def test_output_format_and_predictions(tmp_path, capsys):
    write(tmp_path / "train.jsonl", TRAIN)
    write(tmp_path / "eval.jsonl", EVAL)
    out = tmp_path / "pred.jsonl"
    call_command("routing_eval", str(tmp_path / "eval.jsonl"), "--train", str(tmp_path / "train.jsonl"),
                 "--predictions", str(out))
    last = capsys.readouterr().out.strip().splitlines()[-1]
    result = json.loads(last)
    assert list(result) == KEYS
    assert result["n"] == 4
    assert result["dup_precision"] == 1.0
    assert result["dup_recall"] == 1.0
    preds = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [p["id"] for p in preds] == ["e1", "e2", "e3", "e4"]
    assert preds[0]["top3"][0] == "disabled.access"
    assert len(preds[0]["top3"]) == 3
    assert preds[2]["duplicate_of"] == "e1"
    assert preds[3] == {"id": "e4", "top3": [], "duplicate_of": None}


def test_eval_reads_no_labels_to_predict(tmp_path, capsys):
    write(tmp_path / "train.jsonl", TRAIN)
    unlabeled = [{"id": r["id"], "text": r["text"], "channel": r["channel"]} for r in EVAL]
    write(tmp_path / "eval.jsonl", unlabeled)
    out = tmp_path / "pred.jsonl"
    call_command("routing_eval", str(tmp_path / "eval.jsonl"), "--train", str(tmp_path / "train.jsonl"),
                 "--predictions", str(out))
    preds = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert preds[2]["duplicate_of"] == "e1"


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("routing_eval", str(tmp_path / "nope.jsonl"))


DATA = Path(os.environ.get("QUNTUAN_DISPATCH_DATA", Path(__file__).resolve().parents[3].parent / "shared/data/dispatch"))
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.mark.skipif(not (DATA / "dev.jsonl").is_file() and not IN_CI, reason="development data absent")
def test_dev_targets(capsys):
    call_command("routing_eval", str(DATA / "dev.jsonl"), "--train", str(DATA / "train.jsonl"))
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["category_top1"] >= 0.97
    assert result["org_accuracy"] >= 0.98
    assert result["category_top3"] >= 0.995
    assert result["dup_precision"] >= 0.9
    assert result["dup_recall"] >= 0.85
    # the 20 ms target is measured in docs/benchmarks.md; under a loaded test run only a sanity bound
    assert result["ms_per_request"] < 100
