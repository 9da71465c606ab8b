"""The offline hash bank: published lost records a border post checks photos against with no network (no Flask here
except in cli.py)."""
