"""Admission of stream starts: a web process works on at most STREAM_STARTS of them at once.

A viewer's start is the expensive part of a stream (session and user checks, the video, the view
credit, opening the origin: several milliseconds of CPU and a few database round trips); after it,
relaying costs little per piece. When hundreds of viewers arrive in the same second, a gevent
worker would otherwise interleave all their starts: each one advances a step at a time, they all
finish late together (the first byte of every viewer waits for nearly the whole burst), and every
page request waits behind all of them at each of its own steps. With a bound, starts finish in
arrival order at the same total rate, the median viewer gets its first byte sooner, and a page
waits behind at most STREAM_STARTS starts. A start waits for its turn before it touches the
database (the gate is the first before-request hook of the views it guards) and gives the turn
back as soon as its answer's headers are ready, or when the request ends in an error.
"""
import threading

from flask import current_app, g, request

_gates = {}
_gates_lock = threading.Lock()


def gated_start(view):
    """Mark a view whose requests are stream starts (they wait for a turn, see the module docstring)."""
    view.gated_start = True
    return view


def _gate(size: int):
    with _gates_lock:  # one per process and size (threading primitives are cooperative under gevent)
        return _gates.setdefault(size, threading.BoundedSemaphore(size))


def _enter():
    if getattr(current_app.view_functions.get(request.endpoint), "gated_start", False):
        gate = _gate(current_app.config["STREAM_STARTS"])
        gate.acquire()
        g.stream_start_gate = gate


def _leave(response=None):
    gate = g.pop("stream_start_gate", None)
    if gate is not None:
        gate.release()
    return response


def register(app):
    """Install the gate; register it before any hook that reads the database."""
    app.before_request(_enter)
    app.after_request(_leave)  # the answer's headers are ready: the bytes flow without a turn
    app.teardown_request(_leave)  # an error answer, or an exception: the turn is given back all the same
