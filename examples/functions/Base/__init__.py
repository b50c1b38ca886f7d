from .flat_dict import flat_dict
from .inverse_time_str import inverse_time_str
from .to_pickle import to_pickle
