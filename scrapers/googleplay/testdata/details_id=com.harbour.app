<!doctype html><html lang="en"><head><title>Harbour Bistro - Apps on Google Play</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"SoftwareApplication","name":"Harbour Bistro","aggregateRating":{"@type":"AggregateRating","ratingValue":"3.1","ratingCount":"250"}}</script></head><body>
<script nonce="x">AF_initDataCallback({key: 'ds:4', hash: '7', data:[["com.harbour.app",null,"Harbour Bistro"]], sideChannel: {}});</script>
<script nonce="x">AF_initDataCallback({key: 'ds:8', hash: '3', data:[[["gp:AOqpTOH1111",["Ana P.",[null,2,null,[null,null,"https://lh3.googleusercontent.com/a/x"]]],1,null,"App crashes at checkout and \"pay\" button does nothing.",[1794700000,123000000],14,[null,"Sorry Ana, fixed in 2.3.1.",[1794790000,0]],"2.3.0"],["gp:AOqpTOH2222",["Marc",[null,2]],5,null,"Easy booking [works] great",[1794600000,0],0,null,"2.3.0"]],"next-page-token"], sideChannel: {}});</script>
</body></html>
