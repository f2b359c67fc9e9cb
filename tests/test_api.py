import geobrief


def test_all_lists_exactly_the_public_names() -> None:
    public = {n for n in dir(geobrief) if not n.startswith("_") and n not in {"annotations"}}
    modules = {n for n in public if type(getattr(geobrief, n)).__name__ == "module"}
    assert set(geobrief.__all__) - {"__version__"} == public - modules


def test_version_is_a_string() -> None:
    assert geobrief.__version__.count(".") == 2
