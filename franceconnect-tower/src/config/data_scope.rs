//! FranceConnect's data scopes: what a citizen lets a service fetch from a
//! data provider ("fournisseur de données") with FranceConnect's access
//! token, as the platform's own tables list them
//! (`france-connect/sources`, `back/libs/scopes/src/data/*`).
//!
//! A data scope gives no userinfo claim: the data come from the data
//! provider's API (API Particulier's "API FranceConnectées"), called with
//! the access token of the login
//! ([`SignedInUser::access_token`](crate::SignedInUser::access_token)),
//! which lives 60 seconds: call it from the sign-in hook. FranceConnect
//! offers every provider's; FranceConnect+ only the DGFiP's, the CNAM's and
//! the CNOUS's (`back/instances/core-fcp-high/src/config/scopes.ts`);
//! ProConnect none.

use std::fmt;

use super::Platform;

/// The data providers whose scopes FranceConnect offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum DataProvider {
    /// Direction générale des Finances publiques (`dgfip_*`): taxes.
    Dgfip,
    /// Caisse nationale des allocations familiales and Mutualité sociale
    /// agricole (`cnaf_*`, and the allowances: `revenu_solidarite_active`,
    /// `prime_activite`, `allocation_adulte_handicape`…).
    CnafMsa,
    /// Caisse nationale de l'assurance maladie (`droits_assurance_maladie`,
    /// `cnam_*`).
    Cnam,
    /// Centre national des œuvres universitaires et scolaires (`cnous_*`).
    Cnous,
    /// Ministère de l'Enseignement supérieur, de la Recherche et de
    /// l'Innovation (`mesri_*`).
    Mesri,
    /// Ministère de l'Intérieur (`mi_siv_carte_grise`).
    Mi,
    /// Agence nationale des titres sécurisés
    /// (`ants_extrait_immatriculation_vehicule_*`).
    Ants,
    /// Agence du service civique (`gip_mds_service_civique_*`).
    Asc,
    /// Direction du service national et de la jeunesse
    /// (`dsnj_statut_service_national`).
    Dsnj,
    /// Sécurité sociale (`complementaire_sante_solidaire`).
    Dss,
    /// France Travail (`api_fc-liste-paiementsv1`,
    /// `api_fc-statutaugmentev1`).
    FranceTravail,
}

impl DataProvider {
    /// Every provider, in the order of FranceConnect's tables.
    pub const ALL: [DataProvider; 11] = [
        DataProvider::Dgfip,
        DataProvider::CnafMsa,
        DataProvider::Cnam,
        DataProvider::Cnous,
        DataProvider::Mesri,
        DataProvider::Mi,
        DataProvider::Ants,
        DataProvider::Asc,
        DataProvider::Dsnj,
        DataProvider::Dss,
        DataProvider::FranceTravail,
    ];

    /// Its usual short name: `DGFiP`, `CNAF/MSA`, `CNAM`…
    pub fn short_name(self) -> &'static str {
        match self {
            DataProvider::Dgfip => "DGFiP",
            DataProvider::CnafMsa => "CNAF/MSA",
            DataProvider::Cnam => "CNAM",
            DataProvider::Cnous => "CNOUS",
            DataProvider::Mesri => "MESRI",
            DataProvider::Mi => "MI",
            DataProvider::Ants => "ANTS",
            DataProvider::Asc => "ASC",
            DataProvider::Dsnj => "DSNJ",
            DataProvider::Dss => "DSS",
            DataProvider::FranceTravail => "France Travail",
        }
    }

    /// True when `platform` offers this provider's scopes: FranceConnect
    /// all of them, FranceConnect+ the DGFiP's, the CNAM's and the CNOUS's,
    /// ProConnect none.
    pub fn is_offered_on(self, platform: Platform) -> bool {
        match platform {
            Platform::FranceConnect => true,
            Platform::FranceConnectPlus => {
                matches!(self, DataProvider::Dgfip | DataProvider::Cnam | DataProvider::Cnous)
            }
            Platform::ProConnect => false,
        }
    }

    /// This provider's scopes.
    pub fn scopes(self) -> impl Iterator<Item = DataScope> {
        DataScope::ALL.iter().copied().filter(move |s| s.provider() == self)
    }
}

impl fmt::Display for DataProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.short_name())
    }
}

/// Declares [`DataScope`], one variant per scope, each with its provider.
macro_rules! data_scopes {
    ($($provider:ident => [$($variant:ident = $name:literal,)*],)*) => {
        /// A data scope of FranceConnect: what a citizen lets a service
        /// fetch from a data provider ("fournisseur de données") with the
        /// login's access token, written as the platform spells it
        /// ([`DataScope::as_str`]), served by its [`DataProvider`].
        ///
        /// It gives no userinfo claim: the data come from the provider's
        /// API (API Particulier's "API FranceConnectées"), called with
        /// [`SignedInUser::access_token`](crate::SignedInUser::access_token),
        /// which lives 60 seconds: call it from the sign-in hook.
        /// FranceConnect offers every provider's scopes, FranceConnect+ the
        /// DGFiP's, the CNAM's and the CNOUS's only, ProConnect none
        /// ([`DataScope::is_offered_on`]); a configuration asking another
        /// platform for one is refused, the scope named.
        ///
        /// ```
        /// use franceconnect_tower::{DataProvider, DataScope, Platform, Scope, Scopes};
        ///
        /// let scopes = Scopes::parse("identite_pivot dgfip_rfr dgfip_nbpart cnaf_quotient_familial").unwrap();
        /// assert!(scopes.contains(&Scope::Data(DataScope::DgfipRfr)));
        /// assert_eq!(DataScope::CnafQuotientFamilial.provider(), DataProvider::CnafMsa);
        /// assert!(!DataProvider::CnafMsa.is_offered_on(Platform::FranceConnectPlus));
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum DataScope {
            $($(
                #[doc = concat!("`", $name, "` (", stringify!($provider), ").")]
                $variant,
            )*)*
        }

        impl DataScope {
            /// Every data scope, provider by provider, in the order of
            /// FranceConnect's tables.
            pub const ALL: &'static [DataScope] = &[$($(DataScope::$variant,)*)*];

            /// The scope as sent to the provider.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($(DataScope::$variant => $name,)*)*
                }
            }

            /// The data provider that serves it.
            pub fn provider(self) -> DataProvider {
                match self {
                    $($(DataScope::$variant => DataProvider::$provider,)*)*
                }
            }

            /// The data scope spelled `name`, if FranceConnect has one
            /// (spelled exactly: some have capitals, `dgfip_indiIFI`).
            pub fn parse(name: &str) -> Option<DataScope> {
                match name {
                    $($($name => Some(DataScope::$variant),)*)*
                    _ => None,
                }
            }
        }
    };
}

data_scopes! {
    Dgfip => [
        DgfipRfr = "dgfip_rfr",
        DgfipAnneeNMoins1 = "dgfip_annee_n_moins_1",
        DgfipAnneeNMoins2 = "dgfip_annee_n_moins_2",
        DgfipAnneeNMoins3 = "dgfip_annee_n_moins_3",
        DgfipNbpart = "dgfip_nbpart",
        DgfipSitfam = "dgfip_sitfam",
        DgfipAft = "dgfip_aft",
        DgfipNbpac = "dgfip_nbpac",
        DgfipInddeficit = "dgfip_inddeficit",
        DgfipPariso = "dgfip_pariso",
        DgfipDecl = "dgfip_decl",
        DgfipPac = "dgfip_pac",
        DgfipLocauxTh = "dgfip_locaux_th",
        DgfipNmUsaDec1 = "dgfip_nmUsaDec1",
        DgfipNmNaiDec1 = "dgfip_nmNaiDec1",
        DgfipPrnmDec1 = "dgfip_prnmDec1",
        DgfipDateNaisDec1 = "dgfip_dateNaisDec1",
        DgfipNmUsaDec2 = "dgfip_nmUsaDec2",
        DgfipNmNaiDec2 = "dgfip_nmNaiDec2",
        DgfipPrnmDec2 = "dgfip_prnmDec2",
        DgfipDateNaisDec2 = "dgfip_dateNaisDec2",
        DgfipLocauxThIdent = "dgfip_locaux_th_ident",
        DgfipLocauxThNat = "dgfip_locaux_th_Nat",
        DgfipLocauxThTax = "dgfip_locaux_th_Tax",
        DgfipLocauxThAff = "dgfip_locaux_th_Aff",
        DgfipPacNbPac = "dgfip_pac_nbPac",
        DgfipMntRevbareme = "dgfip_mntRevbareme",
        DgfipIndiIfi = "dgfip_indiIFI",
        DgfipRevDeclCat1Tspr = "dgfip_RevDecl_Cat1_Tspr",
        DgfipRevDeclCat1RentOn = "dgfip_RevDecl_Cat1_RentOn",
        DgfipRevDeclCat2Rcm = "dgfip_RevDecl_Cat2_Rcm",
        DgfipRevDeclCat3Pmv = "dgfip_RevDecl_Cat3_PMV",
        DgfipRevDeclCat4Ref = "dgfip_RevDecl_Cat4_Ref",
        DgfipRevDeclCat5NonSal = "dgfip_RevDecl_Cat5_NonSal",
        DgfipRevNetsCat1Tspr = "dgfip_RevNets_Cat1_Tspr",
        DgfipRevNetsCat1RentOn = "dgfip_RevNets_Cat1_RentOn",
        DgfipRevNetsCat2Rcm = "dgfip_RevNets_Cat2_Rcm",
        DgfipRevNetsCat3Pmv = "dgfip_RevNets_Cat3_PMV",
        DgfipRevNetsCat4Ref = "dgfip_RevNets_Cat4_Ref",
        DgfipRevNetsCat5NonSal = "dgfip_RevNets_Cat5_NonSal",
        DgfipPaDeducEnfMaj = "dgfip_PaDeduc_EnfMaj",
        DgfipPaDeducAutres = "dgfip_PaDeduc_Autres",
        DgfipEpargRetrDeduc = "dgfip_EpargRetrDeduc",
    ],
    CnafMsa => [
        AllocationAdulteHandicape = "allocation_adulte_handicape",
        AllocationSoutienFamilial = "allocation_soutien_familial",
        PrimeActivite = "prime_activite",
        PrimeActiviteMajoration = "prime_activite_majoration",
        CnafQuotientFamilial = "cnaf_quotient_familial",
        CnafAllocataires = "cnaf_allocataires",
        CnafEnfants = "cnaf_enfants",
        CnafAdresse = "cnaf_adresse",
        RevenuSolidariteActive = "revenu_solidarite_active",
        RevenuSolidariteActiveMajoration = "revenu_solidarite_active_majoration",
    ],
    Cnam => [
        DroitsAssuranceMaladie = "droits_assurance_maladie",
        CnamBeneficiaires = "cnam_beneficiaires",
        CnamContrats = "cnam_contrats",
        CnamCaisse = "cnam_caisse",
        CnamExonerations = "cnam_exonerations",
        CnamMedecinTraitant = "cnam_medecin_traitant",
        CnamPresenceMedecinTraitant = "cnam_presence_medecin_traitant",
        CnamPaiementsIj = "cnam_paiements_ij",
    ],
    Cnous => [
        CnousStatutBoursier = "cnous_statut_boursier",
        CnousEchelonBourse = "cnous_echelon_bourse",
        CnousEmail = "cnous_email",
        CnousPeriodeVersement = "cnous_periode_versement",
        CnousStatutBourse = "cnous_statut_bourse",
        CnousVilleEtudes = "cnous_ville_etudes",
        CnousIdentite = "cnous_identite",
    ],
    Mesri => [
        MesriIdentite = "mesri_identite",
        MesriAdmissions = "mesri_admissions",
        MesriAdmissionInscrit = "mesri_admission_inscrit",
        MesriAdmissionRegimeFormation = "mesri_admission_regime_formation",
        MesriAdmissionCommuneEtudes = "mesri_admission_commune_etudes",
        MesriAdmissionEtablissementEtude = "mesri_admission_etablissement_etude",
    ],
    Mi => [
        MiSivCarteGrise = "mi_siv_carte_grise",
    ],
    Ants => [
        AntsExtraitImmatriculationVehiculeIdentiteParticulier = "ants_extrait_immatriculation_vehicule_identite_particulier",
        AntsExtraitImmatriculationVehiculeAdresseParticulier = "ants_extrait_immatriculation_vehicule_adresse_particulier",
        AntsExtraitImmatriculationVehiculeStatutRattachement = "ants_extrait_immatriculation_vehicule_statut_rattachement",
        AntsExtraitImmatriculationVehiculeDonneesImmatriculationVehicule = "ants_extrait_immatriculation_vehicule_donnees_immatriculation_vehicule",
        AntsExtraitImmatriculationVehiculeCaracteristiquesTechniquesVehicule = "ants_extrait_immatriculation_vehicule_caracteristiques_techniques_vehicule",
    ],
    Asc => [
        GipMdsServiceCiviqueStatutPasse = "gip_mds_service_civique_statut_passe",
        GipMdsServiceCiviqueDates = "gip_mds_service_civique_dates",
    ],
    Dsnj => [
        DsnjStatutServiceNational = "dsnj_statut_service_national",
    ],
    Dss => [
        ComplementaireSanteSolidaire = "complementaire_sante_solidaire",
    ],
    FranceTravail => [
        ApiFcListePaiementsv1 = "api_fc-liste-paiementsv1",
        ApiFcStatutaugmentev1 = "api_fc-statutaugmentev1",
    ],
}

impl DataScope {
    /// True when `platform` offers this scope (see
    /// [`DataProvider::is_offered_on`]).
    pub fn is_offered_on(self, platform: Platform) -> bool {
        self.provider().is_offered_on(platform)
    }
}

impl fmt::Display for DataScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_data_scope_is_spelled_once_and_read_back() {
        let mut seen = std::collections::BTreeSet::new();
        for scope in DataScope::ALL {
            assert!(seen.insert(scope.as_str()), "{scope} twice");
            assert_eq!(DataScope::parse(scope.as_str()), Some(*scope));
            assert!(
                scope
                    .as_str()
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'),
                "{scope}"
            );
        }
        assert_eq!(DataScope::ALL.len(), 86);
        assert_eq!(DataScope::parse("dgfip_indiIFI"), Some(DataScope::DgfipIndiIfi));
        assert_eq!(DataScope::parse("dgfip_indiifi"), None, "spelled exactly");
        assert!(DataProvider::ALL.iter().all(|p| p.scopes().count() > 0));
    }

    #[test]
    fn franceconnect_plus_offers_the_dgfip_cnam_and_cnous_only() {
        let plus: Vec<DataProvider> = DataProvider::ALL
            .into_iter()
            .filter(|p| p.is_offered_on(Platform::FranceConnectPlus))
            .collect();
        assert_eq!(plus, [DataProvider::Dgfip, DataProvider::Cnam, DataProvider::Cnous]);
        assert!(DataScope::ALL.iter().all(|s| s.is_offered_on(Platform::FranceConnect)));
        assert!(!DataScope::ALL.iter().any(|s| s.is_offered_on(Platform::ProConnect)));
        assert_eq!(DataScope::MiSivCarteGrise.provider(), DataProvider::Mi);
        assert_eq!(DataScope::GipMdsServiceCiviqueDates.provider().short_name(), "ASC");
    }
}
