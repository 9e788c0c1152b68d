"""Code generation: equations -> intermediate form -> C (and CUDA) sources; build and cache."""
