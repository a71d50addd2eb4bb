from flax import nnx


class Model(nnx.Module):
    def __init__(self, input_size, hidden_size, num_classes, *, rngs: nnx.Rngs):
        cell = nnx.LSTMCell(input_size, hidden_size, rngs=rngs)
        self.lstm = nnx.List([nnx.RNN(cell, return_carry=True)])
        self.head = nnx.Linear(hidden_size, num_classes, rngs=rngs)

    def __call__(self, x):
        # the flax LSTM carry is (c, h)
        (_, h), _ = self.lstm[0](x)
        return self.head(h)
