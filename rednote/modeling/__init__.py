"""The design matrix, the models, cross-validation, metrics, importance and factors."""
