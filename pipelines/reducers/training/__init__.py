"""What both training engines share: the architectures, the early-stopping rule, the output bias and activation,
progress pacing, and the two engines themselves (`fused`: stacked dense autoencoders in one XLA-compiled function;
`keras_engine`: any family as branches of one `keras.Model`).

Importing this package is cheap: only `fused` and `keras_engine` import TensorFlow, and only when a model trains.
"""
