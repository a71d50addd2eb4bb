import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, input_size, hidden_size, num_outputs, *, rngs: nnx.Rngs):
        self.lstm = nnx.List([
            nnx.RNN(nnx.LSTMCell(input_size, hidden_size, rngs=rngs), time_major=True, return_carry=True),
            nnx.RNN(nnx.LSTMCell(hidden_size, hidden_size, rngs=rngs), time_major=True, return_carry=True),
        ])
        # inter-layer dropout is inactive in eval mode
        self.drop = nnx.Dropout(0.25, rngs=rngs)
        self.head = nnx.Sequential(
            nnx.Linear(2 * hidden_size, hidden_size, rngs=rngs),
            jnp.tanh,
            nnx.Linear(hidden_size, num_outputs, rngs=rngs),
        )

    def __call__(self, x):
        _, out = self.lstm[0](x)
        (_, h_top), out = self.lstm[1](self.drop(out))  # flax LSTM carry is (c, h)
        summary = jnp.concatenate([out.mean(axis=0), h_top], axis=-1)
        return self.head(summary)
