"""Linear autoencoder: no hidden layers, no activations; trained on MSE it finds the PCA subspace."""
from pipelines.reducers import autoencoder
from pipelines.reducers.autoencoder import DEFAULT_MAX_STEPS, Autoencoder
from pipelines.reducers.method import Method

# Tuned on digits: every bottleneck from 1 to 32 ends within 0.5% of PCA's test error. No validation hold-out:
# a linear AE cannot overfit beyond PCA, so it learns from all training rows, exactly as PCA does. No early
# stopping either: its loss has long plateaus near saddle points that look like convergence; the cosine-decayed
# learning rate ends training instead.
DEFAULTS = dict(hidden_layer_sizes=(), activation="linear", output_activation="linear", epochs=200,
                max_steps=DEFAULT_MAX_STEPS, batch_size=128, learning_rate=1e-2, validation_fraction=0.0,
                early_stopping=False)


def build(n_components: int, **params) -> Autoencoder:
    """Unfitted linear autoencoder; `params` override the defaults."""
    return Autoencoder(n_components=n_components, **{**DEFAULTS, **params})


METHOD = Method(
    name="linear_ae", label="Linear AE", color="#F58518", build=build, marker="diamond",
    description="A neural network with no hidden layers and no activations, trained by gradient descent from "
                "random weights. Trained on squared error it finds PCA's subspace (Baldi & Hornik 1989), possibly "
                "rotated, so its curve should sit on PCA's.",
    settings=autoencoder.training_settings(DEFAULTS), trained_by_gradient=True, fuses_seeds=True,
    linear_decoder=True, relative_cost=1.0, fit_group=autoencoder.fit_group, estimate_cost=autoencoder.estimate_cost)
