from tests.cot.conftest import dataset, tiny_dataset  # noqa: F401  (shared fixtures)
