"""ecoenforce: the platform an eco-environmental enforcement bureau runs to find violations and handle them."""

__version__ = "0.1.0"
