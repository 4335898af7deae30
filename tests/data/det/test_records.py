"""DataReport bookkeeping and annotation-box cleaning."""

from __future__ import annotations

import numpy as np
import pytest

from ppwarm.data.det.records import CLIPPED, DEGENERATE, MISSING_IMAGE, DataReport, clean_boxes


def test_report_counts_all_but_keeps_three_examples() -> None:
    report = DataReport()
    for i in range(5):
        report.add(MISSING_IMAGE, f"img{i}.jpg")
    assert report.count(MISSING_IMAGE) == 5
    assert report.examples[MISSING_IMAGE] == ["img0.jpg", "img1.jpg", "img2.jpg"]
    assert report.summary() == "missing image: 5 (e.g. img0.jpg; img1.jpg; img2.jpg)"


def test_clean_report_has_empty_summary_and_unknown_kind_is_rejected() -> None:
    report = DataReport()
    assert report.summary() == "" and report.total() == 0
    with pytest.raises(ValueError, match="unknown report kind"):
        report.add("typo", "x")


def test_clean_boxes_clips_and_drops_degenerate() -> None:
    report = DataReport()
    boxes = np.array([[5, 5, 20, 20], [-3, 2, 8, 40], [10, 10, 10.5, 30], [95, 5, 120, 9]], dtype=np.float32)
    kept, labels = clean_boxes(boxes, np.array([0, 1, 2, 3]), 100, 30, report, "img")
    np.testing.assert_array_equal(kept, [[5, 5, 20, 20], [0, 2, 8, 30], [95, 5, 100, 9]])
    np.testing.assert_array_equal(labels, [0, 1, 3])
    assert labels.dtype == np.int64 and kept.dtype == np.float32
    assert report.count(CLIPPED) == 2 and report.count(DEGENERATE) == 1
    assert report.examples[DEGENERATE] == ["img: [10.0, 10.0, 10.5, 30.0]"]
