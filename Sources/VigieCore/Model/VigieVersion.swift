/// The version `vigie --version` prints and the status message carries.
public enum VigieVersion {
    public static let current = "0.1.0"
}
