"""prep and Anki as one study history: reading a collection's review log (``revlog``), each
answer into prep's history once (``history``), exported packages (``packages``), and live
sync through Anki's own sync server.

Everything here reads Anki's data through the real ``anki`` package (Anki's Rust backend),
never by parsing its formats; no module here imports Flask.
"""
