import math

import numpy as np
import pytest
from scipy.stats import norm, truncnorm

from hpo.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hpo.samplers._tpe._parzen_estimator import ParzenEstimator, ParzenEstimatorParameters
from hpo.samplers._tpe._truncnorm import (
    log_normal_mass,
    log_unit_interval_mass,
    sample_truncated_normal,
)

MODES = [
    pytest.param(ParzenEstimatorParameters(multivariate=False), id="univariate"),
    pytest.param(ParzenEstimatorParameters(multivariate=True), id="multivariate"),
    pytest.param(ParzenEstimatorParameters(consider_prior=False), id="no-prior"),
    pytest.param(ParzenEstimatorParameters(consider_magic_clip=False), id="no-clip"),
]


def _estimator(
    dist: BaseDistribution, values: list[float], parameters: ParzenEstimatorParameters
) -> ParzenEstimator:
    return ParzenEstimator({"x": np.array(values, dtype=float)}, {"x": dist}, parameters)


def _density(pe: ParzenEstimator, xs: np.ndarray) -> np.ndarray:
    return np.exp(pe.log_pdf({"x": xs}))


@pytest.mark.parametrize("parameters", MODES)
def test_float_density_integrates_to_one(parameters: ParzenEstimatorParameters) -> None:
    pe = _estimator(FloatDistribution(-2.0, 3.0), [-1.99, 0.5, 2.9], parameters)
    xs = np.linspace(-2.0, 3.0, 400_001)
    assert np.trapezoid(_density(pe, xs), xs) == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("parameters", MODES)
def test_log_float_density_integrates_to_one_over_log_x(
    parameters: ParzenEstimatorParameters,
) -> None:
    pe = _estimator(FloatDistribution(1e-3, 10.0, log=True), [1e-3, 0.1, 2.9], parameters)
    log_xs = np.linspace(math.log(1e-3), math.log(10.0), 400_001)
    assert np.trapezoid(_density(pe, np.exp(log_xs)), log_xs) == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("parameters", MODES)
@pytest.mark.parametrize(
    ("dist", "values", "grid"),
    [
        (FloatDistribution(0.0, 1.0, step=0.1), [0.0, 0.3, 1.0], np.linspace(0, 1, 11)),
        (IntDistribution(-5, 7, step=3), [-5, 4], np.arange(-5, 8, 3)),
        (IntDistribution(0, 20), [0, 3, 3, 19], np.arange(0, 21)),
        (IntDistribution(1, 1000, log=True), [1, 3, 50, 999], np.arange(1, 1001)),
    ],
    ids=["float-step", "int-step", "int", "int-log"],
)
def test_discrete_masses_sum_to_one(
    parameters: ParzenEstimatorParameters,
    dist: BaseDistribution,
    values: list[float],
    grid: np.ndarray,
) -> None:
    pe = _estimator(dist, values, parameters)
    assert _density(pe, grid.astype(float)).sum() == pytest.approx(1.0, abs=1e-9)


@pytest.mark.parametrize("parameters", MODES)
def test_joint_mixed_density_integrates_to_one(parameters: ParzenEstimatorParameters) -> None:
    space = {
        "c": CategoricalDistribution(["p", "q", "r"]),
        "i": IntDistribution(1, 4),
        "f": FloatDistribution(0.0, 1.0),
    }
    observations = {
        "f": np.array([0.2, 0.7, 0.95]),
        "i": np.array([1.0, 4.0, 2.0]),
        "c": np.array([0.0, 2.0, 2.0]),
    }
    pe = ParzenEstimator(observations, space, parameters)
    fs = np.linspace(0.0, 1.0, 40_001)
    grid_f, grid_i, grid_c = np.meshgrid(fs, np.arange(1.0, 5.0), np.arange(3.0), indexing="ij")
    log_density = pe.log_pdf({"f": grid_f.ravel(), "i": grid_i.ravel(), "c": grid_c.ravel()})
    marginal = np.exp(log_density).reshape(grid_f.shape).sum(axis=(1, 2))
    assert np.trapezoid(marginal, fs) == pytest.approx(1.0, abs=1e-6)


def test_single_kernel_is_the_truncated_normal_over_the_whole_range() -> None:
    # One observation without prior: its bandwidth is the whole domain.
    pe = _estimator(
        FloatDistribution(2.0, 6.0), [3.0], ParzenEstimatorParameters(consider_prior=False)
    )
    xs = np.array([2.0, 3.0, 4.5, 6.0])
    expected = truncnorm.pdf(xs, (2.0 - 3.0) / 4.0, (6.0 - 3.0) / 4.0, loc=3.0, scale=4.0)
    assert _density(pe, xs) == pytest.approx(expected)


def test_neighbor_bandwidths_by_hand() -> None:
    # Kernels at 0.2, 0.3, 0.7 and the prior at 0.5 (unit domain). Sorted gaps are 0.1, 0.2,
    # 0.2, so the bandwidths are 0.1, 0.2 and 0.2 (each the larger gap to a neighbor); the
    # prior's is the whole domain.
    parameters = ParzenEstimatorParameters(consider_magic_clip=False)
    pe = _estimator(FloatDistribution(0.0, 1.0), [0.2, 0.3, 0.7], parameters)
    xs = np.linspace(0.0, 1.0, 11)
    mixture = sum(
        truncnorm.pdf(xs, -mu / s, (1 - mu) / s, loc=mu, scale=s)
        for mu, s in [(0.2, 0.1), (0.3, 0.2), (0.7, 0.2), (0.5, 1.0)]
    )
    assert _density(pe, xs) == pytest.approx(mixture / 4)


def test_magic_clip_widens_narrow_kernels() -> None:
    # With 4 kernels the clip keeps every bandwidth >= 1 / min(100, 1 + 4) = 0.2.
    pe = _estimator(FloatDistribution(0.0, 1.0), [0.2, 0.3, 0.7], ParzenEstimatorParameters())
    xs = np.linspace(0.0, 1.0, 11)
    mixture = sum(
        truncnorm.pdf(xs, -mu / s, (1 - mu) / s, loc=mu, scale=s)
        for mu, s in [(0.2, 0.2), (0.3, 0.2), (0.7, 0.2), (0.5, 1.0)]
    )
    assert _density(pe, xs) == pytest.approx(mixture / 4)


def test_endpoints_count_as_neighbors() -> None:
    # Kernels at 0.6 and 0.65: alone they are 0.05 apart, but 0.6 is 0.6 from the lower
    # bound and 0.65 is 0.35 from the upper one.
    values = [0.6, 0.65]
    xs = np.linspace(0.0, 1.0, 11)
    for endpoints, sigmas in [(False, (0.05, 0.05)), (True, (0.6, 0.35))]:
        parameters = ParzenEstimatorParameters(
            consider_prior=False, consider_magic_clip=False, consider_endpoints=endpoints
        )
        pe = _estimator(FloatDistribution(0.0, 1.0), values, parameters)
        mixture = sum(
            truncnorm.pdf(xs, -mu / s, (1 - mu) / s, loc=mu, scale=s)
            for mu, s in zip(values, sigmas)
        )
        assert _density(pe, xs) == pytest.approx(mixture / 2)


def test_int_mass_is_the_gaussian_mass_of_the_cell() -> None:
    # IntDistribution(0, 3) maps [-0.5, 3.5] onto [0, 1]; one kernel at 1 with sigma 1 (the
    # whole domain, width 4), no prior.
    pe = _estimator(IntDistribution(0, 3), [1], ParzenEstimatorParameters(consider_prior=False))
    grid = np.arange(4.0)
    cells = norm.cdf(grid + 0.5, loc=1.0, scale=4.0) - norm.cdf(grid - 0.5, loc=1.0, scale=4.0)
    assert _density(pe, grid) == pytest.approx(cells / cells.sum())


def test_kernel_at_a_bound_is_renormalized() -> None:
    # A kernel centered on the lower bound loses half its mass to truncation; the density
    # still integrates to 1 and is largest at the bound.
    parameters = ParzenEstimatorParameters(consider_prior=False, multivariate=True)
    pe = _estimator(FloatDistribution(0.0, 1.0), [0.0], parameters)
    xs = np.linspace(0.0, 1.0, 100_001)
    density = _density(pe, xs)
    assert np.trapezoid(density, xs) == pytest.approx(1.0, abs=1e-6)
    assert density[0] == density.max()


def test_categorical_kernels_by_hand() -> None:
    # Observations a, a, c with prior weight 1: each observation's kernel gives its choice
    # weight 1 and every choice 1/3 (prior weight / 3 observations), normalized; the prior is
    # uniform. Mixture of 4 equally weighted kernels.
    pe = _estimator(
        CategoricalDistribution(["a", "b", "c"]), [0, 0, 2], ParzenEstimatorParameters()
    )
    a_kernel = np.array([4 / 3, 1 / 3, 1 / 3]) / 2
    c_kernel = np.array([1 / 3, 1 / 3, 4 / 3]) / 2
    expected = (2 * a_kernel + c_kernel + np.full(3, 1 / 3)) / 4
    assert _density(pe, np.arange(3.0)) == pytest.approx(expected)


def test_weights_scale_kernels() -> None:
    dist = CategoricalDistribution(["a", "b"])
    parameters = ParzenEstimatorParameters(consider_prior=False)
    pe = ParzenEstimator(
        {"x": np.array([0.0, 1.0])}, {"x": dist}, parameters, np.array([3.0, 0.0])
    )
    # Only the first kernel counts: it gives weight 1 + 1/2 to "a" and 1/2 to "b".
    assert _density(pe, np.array([0.0, 1.0])) == pytest.approx([0.75, 0.25])
    assert pe.weights.tolist() == [1.0, 0.0]


def test_distance_function_makes_mass_decay_with_distance() -> None:
    dist = CategoricalDistribution([0, 1, 2, 3])
    parameters = ParzenEstimatorParameters(
        consider_prior=False, categorical_distance_func={"x": lambda a, b: abs(a - b)}
    )
    probabilities = _density(_estimator(dist, [0], parameters), np.arange(4.0))
    assert np.all(np.diff(probabilities) < 0)
    # The farthest choice weighs smoothing / (1 + smoothing) of the observed one, as in the
    # plain kernel (smoothing = prior weight / 1 observation = 1).
    assert probabilities[3] / probabilities[0] == pytest.approx(0.5)
    assert probabilities.sum() == pytest.approx(1.0)


def test_distance_function_errors_name_the_parameter() -> None:
    dist = CategoricalDistribution([0, 1])
    parameters = ParzenEstimatorParameters(categorical_distance_func={"x": lambda a, b: -1.0})
    with pytest.raises(ValueError, match=r"categorical_distance_func\['x'\]"):
        _estimator(dist, [0], parameters)


@pytest.mark.parametrize("parameters", MODES)
def test_samples_lie_in_the_domain_and_on_the_grid(parameters: ParzenEstimatorParameters) -> None:
    space = {
        "f": FloatDistribution(-1.0, 1.0),
        "lf": FloatDistribution(1e-5, 1.0, log=True),
        "sf": FloatDistribution(0.0, 1.0, step=0.25),
        "i": IntDistribution(-3, 3),
        "li": IntDistribution(1, 64, log=True),
        "si": IntDistribution(0, 10, step=5),
        "c": CategoricalDistribution([None, "b", 3.5]),
    }
    rng = np.random.default_rng(0)
    observations = {
        "f": np.array([-1.0, 0.99]),
        "lf": np.array([1e-5, 0.5]),
        "sf": np.array([0.0, 1.0]),
        "i": np.array([-3.0, 3.0]),
        "li": np.array([1.0, 64.0]),
        "si": np.array([0.0, 10.0]),
        "c": np.array([0.0, 2.0]),
    }
    samples = ParzenEstimator(observations, space, parameters).sample(rng, 5000)
    for name, dist in space.items():
        assert all(dist._contains(v) for v in samples[name]), name
    assert set(np.unique(samples["si"])) <= {0.0, 5.0, 10.0}


@pytest.mark.parametrize("parameters", MODES)
def test_sample_frequencies_follow_the_masses(parameters: ParzenEstimatorParameters) -> None:
    pe = _estimator(IntDistribution(0, 6), [1, 1, 5], parameters)
    samples = pe.sample(np.random.default_rng(1), 40_000)["x"]
    frequencies = np.bincount(samples.astype(int), minlength=7) / len(samples)
    assert frequencies == pytest.approx(_density(pe, np.arange(7.0)), abs=0.01)


def test_univariate_marginals_are_independent() -> None:
    space = {"a": FloatDistribution(0.0, 1.0), "b": CategoricalDistribution(["x", "y"])}
    observations = {"a": np.array([0.1, 0.9]), "b": np.array([0.0, 1.0])}
    pe = ParzenEstimator(observations, space, ParzenEstimatorParameters(multivariate=False))
    a_only = ParzenEstimator(
        {"a": observations["a"]}, {"a": space["a"]}, ParzenEstimatorParameters()
    )
    b_only = ParzenEstimator(
        {"b": observations["b"]}, {"b": space["b"]}, ParzenEstimatorParameters()
    )
    points = {"a": np.array([0.1, 0.5]), "b": np.array([1.0, 0.0])}
    marginals = pe.log_pdf_per_parameter(points)
    assert marginals[:, 0] == pytest.approx(a_only.log_pdf({"a": points["a"]}))
    assert marginals[:, 1] == pytest.approx(b_only.log_pdf({"b": points["b"]}))
    assert pe.log_pdf(points) == pytest.approx(marginals.sum(axis=1))


def test_multivariate_estimator_has_no_marginals() -> None:
    pe = _estimator(FloatDistribution(0, 1), [0.5], ParzenEstimatorParameters(multivariate=True))
    with pytest.raises(ValueError, match="multivariate"):
        pe.log_pdf_per_parameter({"x": np.array([0.5])})


def test_no_observations_gives_the_prior() -> None:
    pe = _estimator(
        FloatDistribution(0.0, 1.0), [], ParzenEstimatorParameters(consider_prior=False)
    )
    assert pe.n_kernels == 1
    xs = np.array([0.0, 0.5, 1.0])
    expected = truncnorm.pdf(xs, -0.5, 0.5, loc=0.5, scale=1.0)
    assert _density(pe, xs) == pytest.approx(expected)


def test_many_continuous_dimensions_match_the_direct_product() -> None:
    # Four or more continuous parameters use an expanded quadratic form; it must agree with
    # the product of one-dimensional kernels.
    rng = np.random.default_rng(3)
    names = [f"x{i}" for i in range(6)]
    space = {name: FloatDistribution(-1.0, 2.0) for name in names}
    observations = {name: rng.uniform(-1.0, 2.0, 5) for name in names}
    parameters = ParzenEstimatorParameters(multivariate=True, consider_prior=False)
    pe = ParzenEstimator(observations, space, parameters)
    sigma = 3.0 * 0.05 * 5 ** (-1.0 / 10)
    point = {name: np.array([0.3]) for name in names}
    per_kernel = np.ones(5)
    for name in names:
        mu = observations[name]
        per_kernel *= truncnorm.pdf(0.3, (-1.0 - mu) / sigma, (2.0 - mu) / sigma, mu, sigma)
    assert pe.log_pdf(point)[0] == pytest.approx(math.log(per_kernel.mean()))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weights": np.array([1.0, -1.0])}, ">= 0"),
        ({"weights": np.array([1.0, np.nan])}, "finite"),
        ({"weights": np.array([1.0])}, "shape"),
    ],
)
def test_bad_weights(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ParzenEstimator(
            {"x": np.array([0.1, 0.2])},
            {"x": FloatDistribution(0, 1)},
            ParzenEstimatorParameters(),
            **kwargs,
        )


def test_observation_lengths_must_agree() -> None:
    space = {"x": FloatDistribution(0, 1), "y": FloatDistribution(0, 1)}
    with pytest.raises(ValueError, match="'y' has 1 observations"):
        ParzenEstimator(
            {"x": np.array([0.1, 0.2]), "y": np.array([0.3])}, space, ParzenEstimatorParameters()
        )


def test_log_normal_mass_is_accurate_in_both_tails() -> None:
    lower = np.array([-1.0, 30.0, -40.0, 8.0])
    upper = np.array([1.0, 31.0, -39.0, 9.0])
    expected = [
        math.log(norm.cdf(1.0) - norm.cdf(-1.0)),
        norm.logsf(30.0) + math.log1p(-math.exp(norm.logsf(31.0) - norm.logsf(30.0))),
        norm.logcdf(-39.0) + math.log1p(-math.exp(norm.logcdf(-40.0) - norm.logcdf(-39.0))),
        norm.logsf(8.0) + math.log1p(-math.exp(norm.logsf(9.0) - norm.logsf(8.0))),
    ]
    assert log_normal_mass(lower, upper) == pytest.approx(expected, rel=1e-9)


def test_unit_interval_mass_matches_the_general_formula() -> None:
    rng = np.random.default_rng(4)
    mean = rng.uniform(-0.5, 1.5, 200)
    sigma = rng.uniform(0.001, 1.0, 200)
    expected = log_normal_mass(-mean / sigma, (1.0 - mean) / sigma)
    assert log_unit_interval_mass(mean, sigma) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_truncated_normal_samples_stay_inside_even_far_in_the_tail() -> None:
    rng = np.random.default_rng(5)
    mean = np.full(10_000, -30.0)
    samples = sample_truncated_normal(rng, mean, np.ones(10_000), 0.0, 1.0)
    assert samples.min() >= 0.0 and samples.max() <= 1.0
    # Conditioned on [0, 1], a N(-30, 1) draw is close to 0: exponential with rate ~30.
    assert samples.mean() == pytest.approx(1 / 30, rel=0.1)


@pytest.mark.parametrize("multivariate", [True, False])
def test_sampling_agrees_with_the_density_on_a_mixed_space(multivariate: bool) -> None:
    # For samples drawn from p, the mean of 1 / p(x) is the size of the space: here
    # [0, 1]^4 times 3 ints times 2 categories = 6. Four continuous parameters exercise the
    # expanded form next to discrete and categorical kernels.
    rng = np.random.default_rng(6)
    space: dict[str, BaseDistribution] = {f"f{i}": FloatDistribution(0.0, 1.0) for i in range(4)}
    space["i"] = IntDistribution(1, 3)
    space["c"] = CategoricalDistribution(["u", "v"])
    observations = {name: rng.random(6) for name in space if name.startswith("f")}
    observations["i"] = rng.integers(1, 4, 6).astype(float)
    observations["c"] = rng.integers(0, 2, 6).astype(float)
    pe = ParzenEstimator(observations, space, ParzenEstimatorParameters(multivariate=multivariate))
    samples = pe.sample(rng, 200_000)
    assert np.mean(np.exp(-pe.log_pdf(samples))) == pytest.approx(6.0, rel=0.03)


@pytest.mark.parametrize(
    ("parameters", "sigma"),
    [
        (ParzenEstimatorParameters(consider_prior=False, multivariate=True), 0.5),
        (
            ParzenEstimatorParameters(
                consider_prior=False, multivariate=True, multivariate_discrete_min_cells=1.0
            ),
            1.0,
        ),
    ],
    ids=["default-half-cell", "one-cell"],
)
def test_multivariate_discrete_bandwidth_floor_gives_the_cell_masses_by_hand(
    parameters: ParzenEstimatorParameters, sigma: float
) -> None:
    # IntDistribution(0, 2): the unit interval spans [-0.5, 2.5], 3 cells. One kernel at 1
    # without prior: the multivariate rule alone gives 0.05 of the domain (0.15 cells), the
    # floor raises it to `sigma` cells; masses are the normal's cell masses, renormalized to
    # the domain.
    pe = _estimator(IntDistribution(0, 2), [1], parameters)
    grid = np.arange(3.0)
    cells = norm.cdf(grid + 0.5, 1.0, sigma) - norm.cdf(grid - 0.5, 1.0, sigma)
    assert _density(pe, grid) == pytest.approx(cells / cells.sum())
    # Each neighbor gets 0.14 (half a cell) or 0.28 (one cell), not 0.0004 without a floor.
    assert _density(pe, grid)[0] > 0.1


def test_without_the_floor_a_small_grid_kernel_is_a_point_mass() -> None:
    parameters = ParzenEstimatorParameters(
        consider_prior=False, multivariate=True, multivariate_discrete_min_cells=0.0
    )
    pe = _estimator(IntDistribution(0, 2), [1], parameters)
    assert _density(pe, np.arange(3.0))[1] > 0.999


def test_discrete_bandwidth_floor_leaves_continuous_and_wide_grids_alone() -> None:
    # The floor is in cells: a float has none, and 0.05 of a 201-value grid is 10 cells.
    space = {"x": FloatDistribution(0.0, 1.0), "n": IntDistribution(0, 200)}
    observations = {"x": np.array([0.3, 0.6]), "n": np.array([50.0, 120.0])}
    points = {"x": np.array([0.1, 0.35, 0.9]), "n": np.array([49.0, 60.0, 180.0])}
    floored = ParzenEstimatorParameters(multivariate=True, multivariate_discrete_min_cells=1.0)
    plain = ParzenEstimatorParameters(multivariate=True, multivariate_discrete_min_cells=0.0)
    assert ParzenEstimator(observations, space, floored).log_pdf(points) == pytest.approx(
        ParzenEstimator(observations, space, plain).log_pdf(points)
    )
