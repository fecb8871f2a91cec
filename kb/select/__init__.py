"""The answer selector: generic features of each candidate answer (features.py), a small learned
and calibrated model shipped as JSON (model.py), and `kb train`, which rebuilds it (train.py)."""
