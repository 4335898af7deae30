"""Reading weight files into a model: trained weights for eval/infer/export (load) and a pretrained start
matched by name and shape (pretrained)."""
