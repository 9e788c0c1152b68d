"""Model definitions: structure only, parameter values come at simulate time."""
