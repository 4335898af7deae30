"""The config schema: one dict per section, assembled into SCHEMA at the bottom.

Key order here is the order of `dump_config` and of resolved_config.yml. A new section (data, model,
...) is one dict in its own block plus one line in SCHEMA.
"""

from __future__ import annotations

from ppwarm.config.containers import SectionList, SectionMap
from ppwarm.config.fields import Boolean, Choice, Integer, ListOf, Number, NumberList, Schema, String

RUN: Schema = {
    "epochs": Number(
        doc="Length of the run in epochs; may be fractional.",
        default=100,
        minimum=0,
        exclusive_minimum=True,
    ),
    "batch_size": Integer(
        doc="Samples per device in one micro-batch; auto = the largest that fits the memory budget.",
        default=8,
        minimum=1,
        literals=("auto",),
    ),
    "accumulate": Integer(
        doc="Micro-batches per optimizer update; auto = max(round(nominal_batch / (batch x devices)), 1).",
        default=1,
        minimum=1,
        literals=("auto",),
    ),
    "reference_batch": Integer(
        doc="Global batch that lr.base was tuned for; null turns batch scaling of the LR off.",
        default=None,
        nullable=True,
        minimum=1,
    ),
    "output_dir": String(doc="Directory for checkpoints, logs and resolved_config.yml.", default="output"),
}

PART: Schema = {
    "lr_mult": Number(
        doc="Multiplier on the scheduled LR for this part's parameters.", default=1.0, minimum=0
    ),
    "weight_decay": Number(
        doc="Weight decay of this part's weights; null = optimizer.weight_decay.",
        default=None,
        nullable=True,
        minimum=0,
    ),
    "warmup_epochs": Number(
        doc="Layer-wise warmup: this part's own warmup length in epochs; null = the global warmup.",
        default=None,
        nullable=True,
        minimum=0,
        exclusive_minimum=True,
    ),
}

CUSTOM: Schema = {
    "pattern": String(doc="Regular expression searched in structured parameter names.", required=True),
    "name": String(doc="Group name prefix; null = custom<index>.", default=None, nullable=True),
    **PART,
}

OPTIMIZER: Schema = {
    "type": Choice(
        doc="Optimizer family.",
        default="momentum",
        choices=("momentum", "sgd", "adam", "adamw"),
    ),
    "momentum": Number(
        doc="Momentum of SGD with momentum.", default=0.9, minimum=0, maximum=1, exclusive_maximum=True
    ),
    "nesterov": Boolean(doc="Nesterov momentum.", default=False),
    "beta1": Number(
        doc="First-moment decay of the Adam family.",
        default=0.9,
        minimum=0,
        maximum=1,
        exclusive_maximum=True,
    ),
    "beta2": Number(
        doc="Second-moment decay of the Adam family.",
        default=0.999,
        minimum=0,
        maximum=1,
        exclusive_minimum=True,
        exclusive_maximum=True,
    ),
    "epsilon": Number(doc="Adam family epsilon.", default=1e-8, minimum=0, exclusive_minimum=True),
    "weight_decay": Number(
        doc="L2 (coupled; decoupled for adamw) weight decay of weights.", default=0.0005, minimum=0
    ),
    "bias_decay": Boolean(doc="Apply weight decay to biases too.", default=False),
    "norm_decay": Boolean(doc="Apply weight decay to norm-layer scales too.", default=False),
    "warmup_momentum": Number(
        doc="Momentum (beta1 for the Adam family) at step 0 of warmup, rising to its value; null = no ramp.",
        default=None,
        nullable=True,
        minimum=0,
        maximum=1,
        exclusive_maximum=True,
    ),
    "warmup_bias_lr": Number(
        doc="Bias LR at step 0 of warmup, falling or rising to the schedule; 0 = no bias warmup.",
        default=0.0,
        minimum=0,
    ),
    "clip_grad_norm": Number(
        doc="Clip gradients to this global L2 norm; 0 = no clipping.", default=0.0, minimum=0
    ),
    "nominal_batch": Integer(
        doc="Global batch the weight decay was tuned for (and the target of accumulate: auto); null = none.",
        default=None,
        nullable=True,
        minimum=1,
    ),
    "scale_weight_decay": Boolean(doc="Scale weight decay by global_batch / nominal_batch.", default=True),
    "parts": SectionMap(PART, keys=("backbone", "neck", "head"), doc="Settings per model part."),
    "custom": SectionList(
        CUSTOM, doc="Settings for parameters whose names match a regex; longest match wins."
    ),
}

WARMUP: Schema = {
    "type": Choice(
        doc="Shape of the rise from start_lr to the peak LR.",
        default="linear",
        choices=("linear", "exponential", "cosine", "constant", "none"),
    ),
    "epochs": Number(
        doc="Warmup length in epochs, or 'auto' to derive it; at most one of epochs and steps is set.",
        default=None,
        nullable=True,
        minimum=0,
        literals=("auto",),
    ),
    "steps": Integer(
        doc="Warmup length in optimizer updates; at most one of epochs and steps is set.",
        default=None,
        nullable=True,
        minimum=0,
    ),
    "start_lr": Number(doc="LR at the first update of warmup.", default=0.0, minimum=0),
    "power": Number(
        doc="Exponent of the exponential warmup curve.",
        default=2.0,
        minimum=0,
        exclusive_minimum=True,
    ),
}

DECAY: Schema = {
    "type": Choice(
        doc="Schedule from the peak LR down to the end of the run.",
        default="cosine",
        choices=("cosine", "polynomial", "linear", "piecewise", "constant", "cosine_restarts"),
    ),
    "min_lr_ratio": Number(
        doc="Final LR as a fraction of the peak LR.",
        default=0.01,
        minimum=0,
        maximum=1,
        above_maximum_hint="above 1 the final LR would be above the peak LR",
    ),
    "power": Number(doc="Exponent of polynomial decay.", default=0.9, minimum=0, exclusive_minimum=True),
    "milestones": NumberList(
        doc="Piecewise decay: epochs (from the start of the run) where the LR is multiplied by gamma.",
        default=(),
        minimum=0,
        increasing=True,
    ),
    "gamma": Number(
        doc="Piecewise decay: factor applied at each milestone.",
        default=0.1,
        minimum=0,
        maximum=1,
        exclusive_minimum=True,
    ),
    "cycles": Integer(
        doc="Cosine restarts: number of cosine cycles in the decay phase.", default=1, minimum=1
    ),
}

LR: Schema = {
    "base": Number(
        doc="Peak LR, tuned at reference_batch (used as is when reference_batch is null).",
        default=0.01,
        minimum=0,
        exclusive_minimum=True,
    ),
    "scaling": Choice(
        doc="How the peak LR follows the global batch; auto = linear for sgd/momentum, sqrt for adam/adamw.",
        default="auto",
        choices=("auto", "linear", "sqrt", "none"),
    ),
    "warmup": WARMUP,
    "decay": DECAY,
    "plateau_epochs": Number(
        doc="Epochs at the end of the run held at the final LR.",
        default=0,
        minimum=0,
    ),
}

TRAIN: Schema = {
    "task": Choice(
        doc="What to train: det (PP-YOLO-style detector), rec (CRNN text recognizer) or toy (tests, demos).",
        default="toy",
        choices=("toy", "det", "rec"),
    ),
    "seed": Integer(doc="Seed of Python, NumPy and Paddle RNGs and of the data order.", default=0, minimum=0),
    "deterministic": Boolean(doc="Ask Paddle for deterministic GPU kernels (slower).", default=False),
    "log_interval": Integer(
        doc="Console line and dashboard flush every N optimizer steps.", default=10, minimum=1
    ),
    "eval_interval": Integer(doc="Evaluate every N epochs when training with --eval.", default=1, minimum=1),
    "weights": String(
        doc="Weights for eval/infer/export: a ppwarm checkpoint (EMA weights if any) or a .pdparams file.",
        default=None,
        nullable=True,
    ),
    "pretrained": String(
        doc="Weights to start from, loaded by name and shape (a new head is re-initialised); not used by -r.",
        default=None,
        nullable=True,
    ),
    "sync_bn": Boolean(doc="SyncBatchNorm across ranks (GPU, more than one rank).", default=False),
}

CHECKPOINT: Schema = {
    "save_interval": Integer(doc="Save every N epochs (0 = only at the end).", default=1, minimum=0),
    "save_interval_steps": Integer(doc="Also save every N optimizer steps (0 = off).", default=0, minimum=0),
    "keep_last": Integer(doc="Step checkpoints kept on disk, besides best.", default=3, minimum=1),
}

AMP: Schema = {
    "enable": Boolean(
        doc="Mixed precision on GPU; on CPU it is off, with one log line saying so.", default=False
    ),
    "level": Choice(
        doc="O1 (lists of ops in low precision) or O2 (almost all, fp32 master weights).",
        default="O1",
        choices=("O1", "O2"),
    ),
    "dtype": Choice(doc="Low-precision type.", default="float16", choices=("float16", "bfloat16")),
    "init_loss_scaling": Number(
        doc="Initial loss scale of the dynamic GradScaler (float16).", default=65536.0, minimum=1
    ),
}

EMA: Schema = {
    "enable": Boolean(
        doc="Keep an exponential moving average of the weights for eval and export.", default=False
    ),
    "decay": Number(
        doc="EMA decay, warmed up as min(decay, (1+n)/(10+n)) over n updates.",
        default=0.9998,
        minimum=0,
        maximum=1,
        exclusive_maximum=True,
    ),
}

NAN_GUARD: Schema = {
    "enable": Boolean(
        doc="Skip non-finite updates, roll back and re-warm after repeated ones.", default=True
    ),
    "patience": Integer(doc="Consecutive non-finite steps before a rollback.", default=3, minimum=1),
    "lr_factor": Number(
        doc="Peak LR factor applied at each rollback.",
        default=0.5,
        minimum=0,
        maximum=1,
        exclusive_minimum=True,
    ),
    "rewarm_steps": Integer(
        doc="Steps to re-warm from 0 to the lowered LR after a rollback.", default=100, minimum=0
    ),
    "max_rollbacks": Integer(doc="Rollbacks before the run stops with an error.", default=3, minimum=0),
    "snapshot_interval": Integer(
        doc="Good steps between in-memory snapshots to roll back to.", default=50, minimum=1
    ),
    "spike_factor": Number(
        doc="During warmup, a loss above spike_factor x running median extends the warmup; 0 = off.",
        default=0.0,
        minimum=0,
    ),
    "spike_window": Integer(doc="Losses in the running median of spike detection.", default=20, minimum=3),
    "spike_extend_steps": Integer(
        doc="Warmup steps added per spike (the warmup at most doubles).", default=50, minimum=1
    ),
}

MEMORY: Schema = {
    "budget": String(
        doc="Memory for batch_size: auto, e.g. 16GB; null = the GPU's or the free RAM.",
        default=None,
        nullable=True,
    ),
    "margin": Number(
        doc="Share of the budget batch_size: auto may plan to use.",
        default=0.8,
        minimum=0,
        maximum=1,
        exclusive_minimum=True,
    ),
}

DATA: Schema = {
    "num_workers": Integer(
        doc="DataLoader worker processes (0 = load in the training process).", default=0, minimum=0
    ),
    "drop_last": Boolean(doc="Drop the last partial batch of an epoch.", default=False),
}

TOY: Schema = {
    "samples": Integer(doc="Training samples of the toy regression.", default=256, minimum=1),
    "val_samples": Integer(doc="Validation samples of the toy regression.", default=64, minimum=1),
    "features": Integer(doc="Input features.", default=4, minimum=1),
    "noise": Number(doc="Standard deviation of the target noise.", default=0.05, minimum=0),
    "batch_norm": Boolean(
        doc="BatchNorm in the toy backbone (off: split batches give identical gradients).", default=True
    ),
}

DET_DATA: Schema = {
    "format": Choice(doc="Dataset layout.", default="coco", choices=("coco", "voc")),
    "root": String(
        doc="Dataset folder; relative paths are relative to the working directory.", default="data/demo_coco"
    ),
    "demo": Boolean(
        doc="Generate the synthetic demo set at root when it is missing (coco only).", default=True
    ),
    "train_ann": String(
        doc="coco: training annotations, relative to root.", default="annotations/instances_train.json"
    ),
    "train_images": String(doc="coco: training image folder, relative to root.", default="images/train"),
    "val_ann": String(
        doc="coco: validation annotations, relative to root.", default="annotations/instances_val.json"
    ),
    "val_images": String(doc="coco: validation image folder, relative to root.", default="images/val"),
    "train_split": String(doc="voc: ImageSets/Main split file name of training images.", default="trainval"),
    "val_split": String(doc="voc: ImageSets/Main split file name of validation images.", default="test"),
    "class_names": ListOf(
        doc="voc: the class names, in label order.", default=(), item=String(required=True)
    ),
}

DET_AUGMENT: Schema = {
    "mosaic": Number(doc="Probability of a 4-image Mosaic per sample.", default=1.0, minimum=0, maximum=1),
    "mixup": Number(doc="Probability of MixUp with a second sample.", default=0.0, minimum=0, maximum=1),
    "hsv": Boolean(doc="HSV colour jitter.", default=True),
    "flip": Number(doc="Probability of a horizontal flip.", default=0.5, minimum=0, maximum=1),
    "scale": ListOf(
        doc="Random rescale range [low, high] applied to every training image.",
        default=(0.5, 1.5),
        item=Number(minimum=0, exclusive_minimum=True, required=True),
        length=2,
    ),
    "translate": Number(
        doc="Random shift, as a fraction of the input side.", default=0.1, minimum=0, maximum=0.5
    ),
    "close_mosaic_epochs": Integer(
        doc="Switch Mosaic and MixUp off for the last N epochs.", default=0, minimum=0
    ),
    "size_schedule": ListOf(
        doc="Progressive resizing: [[from_epoch, size], ...]; empty = det.input_size throughout.",
        default=(),
        item=ListOf(item=Integer(minimum=0, required=True), length=2, required=True),
    ),
}

DET_NMS: Schema = {
    "score_threshold": Number(doc="Drop detections below this score.", default=0.01, minimum=0, maximum=1),
    "nms_threshold": Number(
        doc="IoU above which NMS suppresses a box of the same class.", default=0.45, minimum=0, maximum=1
    ),
    "keep_top_k": Integer(doc="Detections kept per image.", default=100, minimum=1),
}

DET: Schema = {
    "model": Choice(
        doc="Model preset.", default="ppyolo_tiny", choices=("ppyolo_tiny", "ppyolo_s", "ppyolo_r50")
    ),
    "input_size": Integer(doc="Training input side (a multiple of 32).", default=320, minimum=32),
    "eval_size": Integer(
        doc="Evaluation and inference input side (a multiple of 32).", default=320, minimum=32
    ),
    "spp": Boolean(doc="Spatial pyramid pooling on the deepest level.", default=True),
    "drop_block": Boolean(doc="DropBlock in the neck.", default=False),
    "coord_conv": Boolean(doc="CoordConv in the neck.", default=False),
    "iou_aware": Boolean(doc="IoU-aware objectness branch.", default=True),
    "label_smooth": Number(doc="Label smoothing of class targets.", default=0.0, minimum=0, maximum=0.5),
    "max_boxes": Integer(doc="Boxes per training image (extra ones are dropped).", default=50, minimum=1),
    "freeze_backbone_last_epochs": Integer(
        doc="Train only neck and head in the last N epochs.", default=0, minimum=0
    ),
    "data": DET_DATA,
    "augment": DET_AUGMENT,
    "nms": DET_NMS,
}

REC_DATA: Schema = {
    "root": String(
        doc="Dataset folder (label files and dictionary are relative to it).", default="data/demo_rec/digits"
    ),
    "format": Choice(
        doc="labels: train_files/val_file are PaddleOCR label files; lmdb: they are folders, each searched "
        "for PaddleOCR LMDB environments (subfolders holding data.mdb).",
        default="labels",
        choices=("labels", "lmdb"),
    ),
    "demo": Choice(
        doc="Generate this synthetic demo set (label files) at root when it is missing; none = never; "
        "ignored with format: lmdb.",
        default="digits",
        choices=("none", "digits", "hex", "alnum"),
    ),
    "train_files": ListOf(
        doc="Training label files (path<TAB>label per line), or LMDB folders with format: lmdb; "
        "relative to root.",
        default=("train.txt",),
        item=String(required=True),
    ),
    "train_ratios": NumberList(
        doc="Sampling ratio of each train_files entry (1 = all its lines or LMDB records).",
        default=(1.0,),
        minimum=0,
        maximum=1,
    ),
    "val_file": String(
        doc="Validation label file, or LMDB folder with format: lmdb; relative to root.", default="val.txt"
    ),
    "dict": String(doc="Character dictionary, one character per line, relative to root.", default="dict.txt"),
    "use_space": Boolean(doc="Add the space character to the dictionary.", default=False),
}

REC: Schema = {
    "model": Choice(
        doc="Recognizer preset.", default="crnn_mv3_small", choices=("crnn_mv3_small", "crnn_mv3_large")
    ),
    "shape": ListOf(
        doc="Input [channels, height, width].",
        default=(3, 32, 100),
        item=Integer(minimum=1, required=True),
        length=3,
    ),
    "max_text_length": Integer(
        doc="Longest label; longer ones are counted and skipped.", default=25, minimum=1
    ),
    "augment": Boolean(doc="Blur, noise, perspective and colour augmentation.", default=True),
    "freeze_backbone_epochs": Integer(
        doc="Train only neck and head for the first N epochs (fine-tuning).", default=0, minimum=0
    ),
    "data": REC_DATA,
}

SCHEMA: Schema = {
    **RUN,
    **TRAIN,
    "optimizer": OPTIMIZER,
    "lr": LR,
    "checkpoint": CHECKPOINT,
    "amp": AMP,
    "ema": EMA,
    "nan_guard": NAN_GUARD,
    "data": DATA,
    "memory": MEMORY,
    "toy": TOY,
    "det": DET,
    "rec": REC,
}
