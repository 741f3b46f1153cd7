from flask_smorest import Blueprint

blp = Blueprint("observations", __name__, url_prefix="/api", description="observations")
