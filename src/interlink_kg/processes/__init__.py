"""Expensive work in separate worker processes: killable at a time limit, capped in memory,
lower in CPU priority than the serving process, and (when they need no network) sealed off it.

``parent`` is the serving side (spawn, exchange, pool with a concurrency limit), ``child`` the
worker side (limits, sandbox, message loop), ``sandbox`` the network seal.
"""
