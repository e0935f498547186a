"""Test-environment workaround: make the CUDA-built torchvision wheel importable on CPU torch.

PyPI's torchvision 0.28.0 is a CUDA build; with CPU torch its import fails with
"operator torchvision::nms does not exist" because its C extension (which registers the
operator schemas) needs libtorch_cuda. Registering the two schemas first lets the pure-Python
parts (``transforms.v2``, used by transformers' Qwen video processors) import. Kept out of
the package: a matched CPU torchvision wheel needs none of this.
"""

import torch


_LIBS: list = []  # a Library must stay referenced or its definitions are dropped


def register_torchvision_schemas() -> None:
    """Define ``torchvision::nms`` / ``torchvision::qnms`` if nothing has yet."""
    if _LIBS:
        return
    try:
        torch._C._dispatch_find_schema_or_throw("torchvision::nms", "")
        return  # a working (CPU) torchvision already registered it
    except RuntimeError:
        pass
    lib = torch.library.Library("torchvision", "DEF")
    lib.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
    lib.define("qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
    _LIBS.append(lib)
