"""Detection data: annotation loaders (COCO, VOC), numpy/cv2 augmentations, train/eval datasets, demo data.

The pieces compose in one direction: a loader turns annotation files into `DetRecord` lists plus one
`DataReport` (logged once by the caller), the datasets turn records into fixed-shape numpy samples, and
`demo.make_demo_coco` writes a small synthetic COCO dataset so everything runs without downloads.
"""
