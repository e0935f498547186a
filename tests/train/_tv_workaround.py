"""Test-environment workaround: make the CUDA-built torchvision wheel importable on CPU torch.

PyPI's torchvision 0.28.0 is a CUDA build; with CPU torch its import fails with
"operator torchvision::nms does not exist" because its C extension (which registers the
operator schemas) needs libtorch_cuda. Registering the two schemas first lets the pure-Python
parts (``transforms.v2``, used by transformers' Qwen video processors) import. Kept out of
the package: a matched CPU torchvision wheel needs none of this.

vLLM imports torchvision in processes it starts itself (model inspection, the engine core,
``vllm serve``), where no test code runs first; the vLLM test environment therefore copies
this file into its site-packages with a ``.pth`` line calling :func:`install_import_hook`
(see ``vllm_env`` in ``.ci/envs.sh``).
"""

import sys

_LIBS: list = []  # a Library must stay referenced or its definitions are dropped


def register_torchvision_schemas() -> None:
    """Define ``torchvision::nms`` / ``torchvision::qnms`` if nothing has yet."""
    import torch

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


class _RegisterBeforeTorchvision:
    """Meta-path finder that registers the schemas the first time ``torchvision`` is imported.

    Lazy so that interpreters which never touch torchvision (pip, the CLI's light commands)
    do not pay for importing torch at startup.
    """

    def find_spec(self, name, path=None, target=None):
        if name == "torchvision":
            sys.meta_path.remove(self)
            register_torchvision_schemas()
        return None  # the regular finders import the module


def install_import_hook() -> None:
    """Register the schemas before any later ``import torchvision`` in this interpreter."""
    if not any(isinstance(f, _RegisterBeforeTorchvision) for f in sys.meta_path):
        sys.meta_path.insert(0, _RegisterBeforeTorchvision())
