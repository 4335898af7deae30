"""CRNN text recogniser: MobileNetV3 text-line backbone, BiLSTM neck, CTC head, greedy decoding.

Export lives in ppwarm.deploy.export_rec.
"""

from ppwarm.models.rec.backbone import RecMobileNetV3
from ppwarm.models.rec.build import PRESETS, build_crnn, build_rec_preset
from ppwarm.models.rec.crnn import CRNN
from ppwarm.models.rec.decode import ctc_greedy_decode
from ppwarm.models.rec.loss import ctc_loss

__all__ = [
    "CRNN",
    "PRESETS",
    "RecMobileNetV3",
    "build_crnn",
    "build_rec_preset",
    "ctc_greedy_decode",
    "ctc_loss",
]
