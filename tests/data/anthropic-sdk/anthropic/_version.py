__title__ = "anthropic"
__version__ = "2.16.0"
