"""The sidebar's selection: which runs it asks for."""
from toy_scores import LINEAR

from dashboard.choices import Selection
from pipelines import load_dataset
from pipelines.reducers import REFERENCE


def test_the_selection_fits_a_deterministic_method_once_and_can_give_each_repeat_its_own_split():
    iris = load_dataset("iris")
    chosen = Selection(iris, "iris", 3, 2, (1, 2), (REFERENCE, LINEAR), 0.2, 3, 10, {}, repeats=4)
    assert [(s.split_seed, s.train_seed) for s in chosen.specs(REFERENCE, (1, 2))] == [(3, 10)]
    assert [s.train_seed for s in chosen.specs(LINEAR, (1, 2))] == [10, 11, 12, 13]
    varied = Selection(iris, "iris", 3, 2, (1, 2), (REFERENCE, LINEAR), 0.2, 3, 10, {}, repeats=4, vary_split=True)
    for method in (REFERENCE, LINEAR):
        assert [(s.split_seed, s.train_seed) for s in varied.specs(method, (1, 2))] == [(3, 10), (4, 11), (5, 12),
                                                                                        (6, 13)]
