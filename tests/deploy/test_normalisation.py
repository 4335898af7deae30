"""An exported model states the normalisation its training transform applied, from that transform's module."""

from __future__ import annotations

import numpy as np

from ppwarm.data.det import transforms as det_transforms
from ppwarm.data.rec import transforms as rec_transforms
from ppwarm.deploy import export_det, export_rec


def test_deploy_takes_mean_and_std_from_the_data_transforms() -> None:
    assert export_det.MEAN is det_transforms.MEAN and export_det.STD is det_transforms.STD
    assert export_rec.MEAN is rec_transforms.MEAN and export_rec.STD is rec_transforms.STD


def test_detector_input_is_the_stated_recipe() -> None:
    """infer_cfg.yml says (x / 255 - mean) / std per channel; `normalize` must compute exactly that."""
    image = np.random.default_rng(0).integers(0, 256, (6, 5, 3), dtype=np.uint8)
    by_hand = ((image / 255.0 - np.array(export_det.MEAN)) / np.array(export_det.STD)).transpose(2, 0, 1)
    np.testing.assert_allclose(det_transforms.normalize(image), by_hand, atol=1e-6)
