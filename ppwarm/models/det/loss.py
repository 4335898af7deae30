"""PP-YOLO's training loss: YOLOv3 terms plus IoU loss and IoU-aware loss (Long et al. 2020, sec. 3.2).

Terms (each a scalar; `total` is their sum):
  loss_box        L1 on the cell offset (grid-sensitive) and on log(w / anchor), weighted 2 - w*h / image
                  area so small boxes count more (YOLOv3's box scale);            per positive
  loss_iou        iou_weight * (1 - GIoU(decoded box, gt)), iou_weight 2.5 as PP-YOLO;   per positive
  loss_iou_aware  BCE of the IoU branch against the (detached) IoU of the decoded box;   per positive
  loss_obj        BCE of objectness over all cells: 1 at positives, 0 elsewhere, except negatives whose
                  decoded box has IoU > ignore_thresh (0.7, PP-YOLO) with a gt, which are ignored
  loss_cls        BCE summed over classes, targets 1 - eps / eps / C with label smoothing eps; per positive
Normalisation: positive terms are divided by max(#positives, 1); objectness (all cells) by
max(#positives, B), so an image without boxes weighs like one positive. With the head's prior biases
the total at init is about 3 without boxes and 10-20 with them (mostly log(1 / prior) of the positives'
objectness and class terms), nearly independent of the input size.
"""

from __future__ import annotations

import paddle
import paddle.nn.functional as F

from ppwarm.models.det.anchors import AnchorSet
from ppwarm.models.det.boxes import aligned_iou_giou, pairwise_iou, xywh_to_xyxy
from ppwarm.models.det.decode import cell_grid, decode_xywh, grid_sensitive_offset, level_view
from ppwarm.models.det.targets import Assignment, LevelTargets, assign_anchors, level_targets

POSITIVE_TERMS = ("loss_box", "loss_iou", "loss_iou_aware", "loss_cls")


class YOLOv3Loss:
    """Callable loss: `loss(outputs, gt_boxes, gt_labels)` -> {term: scalar, ..., "total": sum}.

    outputs: the head's per-level [B, A*K, H, W] tensors (strides as in `anchor_set`); gt_boxes
    [B, M, 4] xyxy in input pixels; gt_labels [B, M] int64 with -1 for padding rows. Every term is
    finite when there is no ground truth at all.
    """

    def __init__(
        self,
        anchor_set: AnchorSet,
        num_classes: int,
        *,
        iou_aware: bool = True,
        scale_x_y: float = 1.05,
        ignore_thresh: float = 0.7,
        label_smooth: float = 0.0,
        iou_weight: float = 2.5,
    ) -> None:
        self.anchor_set = anchor_set
        self.num_classes = num_classes
        self.iou_aware = iou_aware
        self.scale_x_y = scale_x_y
        self.ignore_thresh = ignore_thresh
        self.label_smooth = label_smooth
        self.iou_weight = iou_weight

    def __call__(
        self, outputs: list[paddle.Tensor], gt_boxes: paddle.Tensor, gt_labels: paddle.Tensor
    ) -> dict[str, paddle.Tensor]:
        if gt_boxes.shape[1] == 0:  # keep at least one (padding) row so reductions over gts are defined
            gt_boxes = paddle.zeros([gt_boxes.shape[0], 1, 4], dtype="float32")
            gt_labels = paddle.full([gt_boxes.shape[0], 1], -1, dtype="int64")
        assign = assign_anchors(gt_boxes, gt_labels, self.anchor_set)
        image_area = float(outputs[0].shape[2] * outputs[0].shape[3]) * self.anchor_set.strides[0] ** 2
        sums: dict[str, paddle.Tensor] = {}
        for level, raw in enumerate(outputs):
            pred = level_view(raw, len(self.anchor_set.masks[level]))
            tgt = level_targets(assign, level, self.anchor_set, pred.shape[2], pred.shape[3])
            terms = self._positive_terms(pred, tgt, assign, level, image_area)
            terms["loss_obj"] = self._objectness(pred, tgt, assign, level)
            for name, value in terms.items():
                sums[name] = sums[name] + value if name in sums else value
        num_pos = assign.valid.sum()
        losses = {name: sums[name] / num_pos.clip(min=1.0) for name in POSITIVE_TERMS if name in sums}
        losses["loss_obj"] = sums["loss_obj"] / num_pos.clip(min=float(gt_boxes.shape[0]))
        losses["total"] = paddle.add_n(list(losses.values()))
        return losses

    def _positive_terms(
        self, pred: paddle.Tensor, tgt: LevelTargets, assign: Assignment, level: int, image_area: float
    ) -> dict[str, paddle.Tensor]:
        """Sums over this level's positives of the box, IoU, IoU-aware and class terms."""
        stride = self.anchor_set.strides[level]
        rows = paddle.gather(pred.reshape([-1, pred.shape[-1]]), tgt.index)  # [R, K]
        gt_xywh = assign.xywh
        # Padding rows have zero size: clip so log() stays finite (their weight is 0).
        t_wh = paddle.log((gt_xywh[:, 2:4] / tgt.anchor_wh).clip(min=1e-6))
        t_xy = gt_xywh[:, 0:2] / stride - tgt.grid
        box_scale = 2.0 - gt_xywh[:, 2] * gt_xywh[:, 3] / image_area
        l1 = (grid_sensitive_offset(rows[:, 0:2], self.scale_x_y) - t_xy).abs().sum(-1)
        l1 = l1 + (rows[:, 2:4] - t_wh).abs().sum(-1)
        box = decode_xywh(rows[:, 0:4], tgt.grid, tgt.anchor_wh, stride, self.scale_x_y)
        iou, giou = aligned_iou_giou(xywh_to_xyxy(box), xywh_to_xyxy(gt_xywh))
        pos = tgt.pos
        out = {
            "loss_box": (l1 * box_scale * pos).sum(),
            "loss_iou": self.iou_weight * ((1.0 - giou) * pos).sum(),
            "loss_cls": (self._class_bce(rows, assign.labels).sum(-1) * pos).sum(),
        }
        if self.iou_aware:
            bce = F.binary_cross_entropy_with_logits(rows[:, 5], iou.detach(), reduction="none")
            out["loss_iou_aware"] = (bce * pos).sum()
        return out

    def _class_bce(self, rows: paddle.Tensor, labels: paddle.Tensor) -> paddle.Tensor:
        """[R, C] BCE of the class logits against smoothed one-hot targets (1 - eps at the label, eps / C)."""
        eps, c = self.label_smooth, self.num_classes
        onehot = F.one_hot(labels, c)
        target = onehot * (1.0 - eps) + (1.0 - onehot) * (eps / c)
        logits = rows[:, 5 + int(self.iou_aware) :]
        return F.binary_cross_entropy_with_logits(logits, target, reduction="none")

    def _objectness(
        self, pred: paddle.Tensor, tgt: LevelTargets, assign: Assignment, level: int
    ) -> paddle.Tensor:
        """Sum of objectness BCE over this level's cells, ignoring near-miss negatives."""
        b = assign.boxes.shape[0]
        cells = pred.shape[1] * pred.shape[2] * pred.shape[3]
        # Positive map by scatter; non-positive rows write into a spare slot that is dropped.
        spare = paddle.full_like(tgt.index, b * cells)
        index = paddle.where(tgt.pos > 0, tgt.index, spare)
        target = paddle.scatter(
            paddle.zeros([b * cells + 1], dtype="float32"), index, paddle.ones_like(tgt.pos), overwrite=True
        )[:-1].reshape([b, cells])
        ignore = self._ignore_mask(pred.detach(), assign, level)
        weight = target + (1.0 - target) * (1.0 - ignore)
        logit = pred[..., 4].reshape([b, cells])
        return (F.binary_cross_entropy_with_logits(logit, target, reduction="none") * weight).sum()

    def _ignore_mask(self, pred: paddle.Tensor, assign: Assignment, level: int) -> paddle.Tensor:
        """[B, cells] 1.0 where the decoded box overlaps some real gt by IoU > ignore_thresh."""
        b, a, h, w = pred.shape[0], pred.shape[1], pred.shape[2], pred.shape[3]
        anchor_wh = paddle.to_tensor(self.anchor_set.level_anchors(level), dtype="float32")
        grid = cell_grid(h, w)
        box = decode_xywh(
            pred[..., 0:4],
            grid,
            anchor_wh.reshape([1, a, 1, 1, 2]),
            self.anchor_set.strides[level],
            self.scale_x_y,
        )
        ious = pairwise_iou(xywh_to_xyxy(box).reshape([b, a * h * w, 4]), assign.boxes)
        best = (ious * assign.valid_bm.unsqueeze(1)).max(axis=-1)
        return (best > self.ignore_thresh).astype("float32")
