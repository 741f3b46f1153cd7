from flask_smorest import Blueprint

blp = Blueprint("sync", __name__, url_prefix="/api", description="sync")
