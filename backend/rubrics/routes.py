from flask_smorest import Blueprint

blp = Blueprint("rubrics", __name__, url_prefix="/api", description="rubrics")
