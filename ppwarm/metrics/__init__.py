"""Metrics from well-kept libraries: COCO mAP through pycocotools."""
