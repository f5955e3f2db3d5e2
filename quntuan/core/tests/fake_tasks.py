"""Tasks the scheduler tests run by dotted name."""

calls: list[str] = []


def ok_task():
    calls.append("ok")
    return {"reminded": 2, "note": "x", "skip": [1]}


def failing_task():
    calls.append("fail")
    raise RuntimeError("boom")
