"""The seeded data set of the emulator, in the style of a Chorus Pro qualification account.

In qualification no structure can be created: only the data set generated for the account exists.
The emulator seeds one contractor (supplier), one project manager (MOE) and public bodies (MOA) whose
rules cover the cases a deposit meets: no rule, service code required, commitment number required, and
one body with 250 services so that service searches span several pages.
"""

import dataclasses


@dataclasses.dataclass(frozen=True)
class Service:
    """A service of a structure."""

    id: int
    code: str
    label: str
    active: bool = True
    commitment_required: bool = False

    def as_dict(self):
        """Plain dict, for the control endpoint and the command line."""
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class Structure:
    """A Chorus Pro structure (company or public body) and its rules."""

    id: int
    siret: str
    name: str
    public: bool
    service_code_required: bool = False
    commitment_required: bool = False
    commitment_or_service: bool = False
    services: tuple = ()

    def service(self, code):
        """The service with this code, or None."""
        return next((service for service in self.services if service.code == code), None)

    def as_dict(self):
        """Plain dict; the services are summarized (count and first three)."""
        data = {field.name: getattr(self, field.name) for field in dataclasses.fields(self) if field.name != "services"}
        data["service_count"] = len(self.services)
        data["first_services"] = [service.as_dict() for service in self.services[:3]]
        return data


@dataclasses.dataclass(frozen=True)
class Seed:
    """The whole data set: credentials and structures, with named shortcuts."""

    credentials: dict = dataclasses.field(repr=False)  # fake, but kept out of reprs like real secrets
    contractor: Structure
    moe: Structure
    no_rules: Structure
    service_required: Structure
    commitment_required: Structure
    # Companies the account's contractor works with: the main contractor it is the subcontractor of, and the
    # mandatary of a groupement it is a co-contractor in (issue 18).
    main_contractor: Structure | None = None
    mandatary: Structure | None = None

    @property
    def structures(self):
        """Every structure of the data set."""
        return tuple(structure for structure in (
            self.contractor, self.moe, self.no_rules, self.service_required, self.commitment_required,
            self.main_contractor, self.mandatary) if structure is not None)

    @property
    def public_bodies(self):
        """The public bodies (possible recipients of a deposit)."""
        return tuple(structure for structure in self.structures if structure.public)

    def by_siret(self, siret):
        """The structure with this SIRET, or None."""
        return next((structure for structure in self.structures if structure.siret == siret), None)

    def by_id(self, structure_id):
        """The structure with this idStructureCPP, or None."""
        return next((structure for structure in self.structures if structure.id == structure_id), None)

    def as_dict(self):
        """Plain dict for the control endpoint and the command line (credentials included: they are fake)."""
        names = ("contractor", "moe", "no_rules", "service_required", "commitment_required", "main_contractor",
                 "mandatary")
        return {"credentials": dict(self.credentials),
                **{name: getattr(self, name).as_dict() for name in names if getattr(self, name) is not None}}


CREDENTIALS = {
    "client_id": "emulator-client-id",
    "client_secret": "emulator-client-secret",
    "login": "TECH_EDIFLEX_QUALIF@cpro.fr",
    "password": "Emulator-Password-2026",
}


def _many_services(first_id, count):
    """Services SERV001... of the large body; every 50th one is inactive."""
    return tuple(
        Service(first_id + index, f"SERV{index + 1:03d}", f"Service {index + 1:03d}", active=(index + 1) % 50 != 0)
        for index in range(count)
    )


def default_seed():
    """The data set every emulator starts with."""
    return Seed(
        credentials=dict(CREDENTIALS),
        contractor=Structure(
            26311001, "00000000012887", "EDIFLEX BATIMENT QUALIF", public=False,
            services=(Service(41000001, "FACTURATION", "Service facturation"),),
        ),
        moe=Structure(
            26311002, "00000000023456", "ATELIER MOE ARCHITECTES", public=False,
            services=(Service(41000011, "MOE", "Maitrise d'oeuvre"),),
        ),
        no_rules=Structure(
            26311003, "00000000034567", "COMMUNE DE QUALIF-SUR-MER", public=True,
            services=(Service(41000021, "TECHNIQUE", "Services techniques"),
                      Service(41000022, "FINANCES", "Direction des finances")),
        ),
        service_required=Structure(
            26311004, "00000000045678", "DEPARTEMENT DE QUALIF", public=True, service_code_required=True,
            services=_many_services(41001001, 250),
        ),
        commitment_required=Structure(
            26311005, "00000000056789", "CENTRE HOSPITALIER DE QUALIF", public=True, commitment_required=True,
            services=(Service(41000031, "TRAVAUX", "Direction des travaux"),
                      Service(41000032, "ACHATS", "Service achats", commitment_required=True),
                      Service(41000033, "ANCIEN", "Ancien service", active=False)),
        ),
        main_contractor=Structure(
            26311006, "00000000067890", "GRANDS TRAVAUX TITULAIRE QUALIF", public=False,
            services=(Service(41000041, "SOUSTRAITANCE", "Suivi de la sous-traitance"),),
        ),
        mandatary=Structure(
            26311007, "00000000078901", "BATISSEURS MANDATAIRE QUALIF", public=False,
            services=(Service(41000051, "GROUPEMENT", "Mandataire du groupement"),),
        ),
    )
