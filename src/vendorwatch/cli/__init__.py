"""The terminal shell: Typer commands that call the library and print its results."""
