from .clear_digits import clear_digits
from .mean import mean
