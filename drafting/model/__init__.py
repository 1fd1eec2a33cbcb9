"""The pure data model at the centre: frozen dataclasses that loaders produce and renderers consume."""
