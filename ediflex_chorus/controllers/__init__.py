from . import portal, proof_pack
