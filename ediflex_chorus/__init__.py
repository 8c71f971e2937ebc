from . import cli, controllers, models, wizard
