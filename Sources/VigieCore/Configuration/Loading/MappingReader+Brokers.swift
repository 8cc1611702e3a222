extension MappingReader {
    /// A broker's nodes: one address (`hub:8883`) or a list (`[a:8883, b:8883]`), in the order
    /// the client tries them. Each bad address is reported where it stands; an empty list and a
    /// node named twice are errors. Nil when absent or when any node is wrong.
    func brokers(_ key: String, defaultPort: Int) -> [Endpoint]? {
        guard let value = self[key], let nodes = oneOrMany(key) else { return nil }
        guard !nodes.isEmpty else {
            log.error("\"\(key)\" needs at least one address host:port", at: value)
            return nil
        }
        var brokers: [Endpoint] = []
        var valid = true
        for node in nodes {
            guard let endpoint = values.endpoint(node, key: key, defaultPort: defaultPort) else {
                valid = false
                continue
            }
            if brokers.contains(endpoint) {
                log.error("\"\(key)\" names \(endpoint) twice: list each node of the cluster once", at: node)
                valid = false
            }
            brokers.append(endpoint)
        }
        return valid ? brokers : nil
    }
}
