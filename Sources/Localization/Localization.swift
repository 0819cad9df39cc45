// Localization: see README.md. (module under construction)
import Geometry
