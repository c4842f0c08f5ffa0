"""RefineVAD reference model: weakly supervised video anomaly detection (MoTAR + CORE), training,
evaluation and export to ONNX and TorchScript for the inference server."""

__version__ = "0.1.0"
