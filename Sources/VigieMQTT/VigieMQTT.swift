import VigieCore
