"""Text-recognition data: character dictionaries, PaddleOCR label files, line transforms, dataset, demo data.

The pieces compose in one direction: `labels.load_label_files` turns label files into ``(image_path,
text)`` pairs plus one `LabelReport` (logged once by the caller), `dataset.RecDataset` turns pairs into
fixed-shape samples (``image [3,H,W] f32, label [L] i64, length i64, index i64``), and
`demo.make_demo_rec` writes a small synthetic dataset so everything runs without downloads. With
``format: lmdb`` the pairs come from PaddleOCR-style LMDB folders instead (`lmdb_source.load_lmdb_folders`,
keys ``num-samples``, ``image-%09d``, ``label-%09d``; `lmdb_io` reads and writes them) and pass the same
label checks.
"""
