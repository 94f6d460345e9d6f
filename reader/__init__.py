"""Reader: read saved web articles cleanly, highlight them and export notes."""

__version__ = "0.1.0"
APP_ID = "io.github.reader.Reader"
APP_NAME = "Reader"
