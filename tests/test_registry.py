import pytest

from synrl.registry import DuplicateNameError, Registry, RegistryError


def test_register_get_and_names_in_order():
    reg: Registry[int] = Registry("colour")
    reg.register("red")(1)
    reg.add("green", 2)
    assert reg.get("green") == 2 and reg.names() == ["red", "green"] and "red" in reg
    assert reg.find("blue") is None


def test_duplicate_raises_same_object_does_not():
    reg: Registry[object] = Registry("colour")
    value = object()
    reg.add("red", value)
    reg.add("red", value)
    with pytest.raises(DuplicateNameError, match="'red' is registered twice"):
        reg.add("red", object())


def test_unknown_name_lists_known_and_close_match():
    reg: Registry[int] = Registry("colour")
    reg.add("green", 2)
    reg.add("red", 1)
    with pytest.raises(RegistryError) as info:
        reg.get("gren")
    assert str(info.value) == "unknown colour 'gren'; did you mean 'green'? Known colours: green, red"


def test_custom_error_and_lazy_loader():
    calls = []
    reg: Registry[int] = Registry("shape", loader=lambda: calls.append(reg.add("disc", 3)),
                                  error=KeyError)
    assert calls == []
    assert reg.get("disc") == 3 and reg.names() == ["disc"] and len(calls) == 1
    with pytest.raises(KeyError, match="Known shapes: disc"):
        reg.get("cube")
