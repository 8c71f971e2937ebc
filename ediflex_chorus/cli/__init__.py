from . import diagnose
