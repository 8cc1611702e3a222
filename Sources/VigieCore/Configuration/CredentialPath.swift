/// File paths in the configuration may name systemd credentials: `$CREDENTIALS_DIRECTORY/hub-password`
/// or `${CREDENTIALS_DIRECTORY}/hub-password`, filled from `LoadCredential=` in the unit.
///
/// Only `CREDENTIALS_DIRECTORY` is expanded: the configuration is not a shell script, and a path
/// that changes with any environment variable would be hard to audit.
public enum CredentialPath {
    public static let variable = "CREDENTIALS_DIRECTORY"

    /// The path with `$CREDENTIALS_DIRECTORY` / `${CREDENTIALS_DIRECTORY}` replaced by its value.
    ///
    /// Returns nil when the path names the variable but it is unset or empty (the daemon was not
    /// started by systemd with `LoadCredential=`); the caller reports that with the config location.
    /// A path without the variable is returned unchanged.
    public static func resolve(_ path: String, environment: [String: String]) -> String? {
        let forms = ["${\(variable)}", "$\(variable)"]
        guard forms.contains(where: { path.contains($0) }) else { return path }
        guard let directory = environment[variable], !directory.isEmpty else { return nil }
        var result = path
        for form in forms {
            result = result.replacing(form, with: directory)
        }
        return result
    }

    /// True when the path names the credentials directory.
    public static func namesCredential(_ path: String) -> Bool {
        path.contains("$\(variable)") || path.contains("${\(variable)}")
    }
}
