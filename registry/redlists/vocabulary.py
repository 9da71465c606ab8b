"""Small multilingual (EN/FR/ES) vocabulary: object types, materials, techniques, places and named periods."""

from __future__ import annotations

# Line format:  kind id [> parent, parent]: term | term@fr | ...
# A star after the id (`type ushabti* > figurine`) marks a distinctive concept: one made only in the cultures the Red
# Lists cover, so it counts as evidence of its own (a cylinder seal), unlike an everyday one (a painting, oil, wood).
# A term tagged @fr/@en/@es is only recognised in text detected as that language (e.g. French "or" = gold).
CONCEPTS = """
type seal: seal | signet | sceau | cachet | sello | sigilo
type cylinder_seal > seal: cylinder seal | sceau cylindre | cylindre sceau | sceau cylindrique | sello cilindrico | sello cilindro | cylinder
type stamp_seal > seal: stamp seal | stamp | sceau cachet | sello de estampa | sello plano | estampilla
type tablet: tablet | tablette | tablilla | tableta | plaquette d argile
type cone > tablet: cone | cone de fondation | foundation cone | clou de fondation | clavo de fundacion
type prism > tablet: prism | prisme | prisma
type inscription: inscription | inscripcion | inscrit | inscribed | inscrita | inscrito
type figurine: figurine | statuette | figure | rider | horseman | equestrian figure | cavalier | jinete | figure equestre | figura ecuestre | figurita | figurilla | estatuilla | figura | idol | idole | idolo | figurin
type idol > figurine: eye idol | idole aux yeux | idolo oculado
type statue > sculpture: statue | estatua | statua | orant | worshipper | orante
type sculpture: sculpture | escultura | carving | sculpte | esculpido | sculpted
type relief > sculpture: relief | bas relief | haut relief | relieve | bajorrelieve | stele | estela | panel sculpte | frieze | frise | friso
type head > sculpture: head | tete | cabeza
type bust > sculpture: bust | buste | busto | portrait | retrato
type plaque: plaque | placa | plaquette
type vessel: vessel | vase | vaso@es | vasija | recipient | recipiente | pot | pottery vessel | container | jarron | olla | ceramica vessel
type bowl > vessel: bowl | bol | coupe | cuenco | escudilla | plat | plate | dish | cuenca
type jar > vessel: jar | jarre | tinaja | cantaro | amphora | amphore | anfora | pot a couvercle
type jug > vessel: jug | cruche | pichet | jarra | ewer | aiguiere | aguamanil
type bottle > vessel: bottle | bouteille | botella | stirrup spout | anse etrier | asa estribo | double spout | double goulot | doble pico
type flask > vessel: flask | flacon | frasco | unguentarium | unguentaria | ampulla | ampoule | perfume bottle
type cup > vessel: cup | beaker | goblet | gobelet | tasse | copa | vaso@es | taza | kero | quero | keru
type urn > vessel: urn | urne | urna | funerary jar
type albarello > jar: albarello | albarelli | albarelo
type teapot > vessel: teapot | theiere | tetera | coffee pot | cafetiere | cafetera
type coin: coin | monnaie | piece de monnaie | moneda | numismatic | numismatique | numismatica | drachm | drachme | tetradrachm | tetradrachme | dirham | dinar | stater | statere | denarius | denier | denario | obol | obole | fals | fils
type manuscript: manuscript | manuscrit | manuscrito | codex | codice | folio | leaf | feuillet | hoja suelta | page | pagina | handwritten | ecrit a la main | escrito a mano
type book > manuscript: book | livre | libro | quran | coran | koran | corano
type scroll > manuscript: scroll | rouleau | rollo
type mosaic: mosaic | mosaique | mosaico | tesserae | tessera | tesselle | tesela | teselas
type panel: panel | panneau | panel@es | tablero
type lamp: lamp | lampe | lampara | candil | lucerna | oil lamp | lampe a huile | lampara de aceite
type cross: cross | croix | cruz | cruces | crucifix | crucifijo
type censer: censer | encensoir | incensario | thurible
type weight: weight | poids | pesa | balance weight | pesas
type axe: axe | ax | axe head | hache | hacha | adze | herminette | azuela
type pin: pin | epingle | alfiler | aguja
type mask: mask | masque | mascara | masks
type headdress: headdress | cimier | coiffe | tocado | crest | crown mask
type textile: textile | fabric | cloth | weaving | tissu | etoffe | tejido | tela | tapestry | tapisserie | tapiz | shroud | linceul | mortaja
type mantle > textile: mantle | manteau | manto | cloak | mante
type tunic > textile: tunic | tunique | tunica | poncho
type bag > textile: bag | sac | bolsa | chuspa
type fragment: fragment | fragmento | sherd | tesson | tiesto
type jewellery: jewellery | jewelry | bijou | bijoux | joya | joyeria | ornament | ornement | adorno | ornamento | parure
type ear_spool > jewellery: ear spool | ear ornament | earspool | orejera | ornement d oreille | boucle d oreille | earring | pendiente | arete
type nose_ornament > jewellery: nose ornament | nariguera | ornement de nez | nose ring
type crown > jewellery: crown | couronne | corona | diadem | diademe | diadema
type bracelet > jewellery: bracelet | brazalete | pulsera | bangle | armlet
type necklace > jewellery: necklace | collier | collar@es | bead | perle@fr | cuenta | beads | pendant | pendentif | colgante
type painting: painting | peinture | tableau | pintura | cuadro | lienzo pintado | oil on canvas | huile sur toile | oleo sobre lienzo
type icon* > painting: icon | icone | icono | iconostasis | iconostase | iconostasio
type bell: bell | cloche | campana | clochette | campanilla
type tile: tile | carreau | azulejo | baldosa | carrelage
type furniture_fitting: furniture fitting | furniture | meuble | mueble | coffret | casket | box | boite | caja | cofre
type furniture: chair | chaise | silla | armchair | fauteuil | sillon | table@en | mesa | sofa | canape | cabinet | armoire | commode | wardrobe | desk | bureau | escritorio | stool | tabouret | taburete
type watch: watch | wristwatch | montre | reloj | clock | horloge | pendule
type poster: poster | affiche | cartel | afiche | print | estampe | grabado | lithograph | lithographie | litografia
type photograph: photograph | photo | photographie | fotografia
type toy: toy | jouet | juguete | doll | poupee | muneca
type garment: dress | robe@fr | vestido | jacket | veste | chaqueta | shirt | chemise | camisa | shoe | chaussure | zapato
type instrument: guitar | guitare | guitarra | violin | violon | piano | radio | camera | appareil photo | camara | typewriter | machine a ecrire | maquina de escribir | telephone | telefono
type vehicle: car | voiture | coche | automovil | bicycle | velo | bicicleta
type weapon: weapon | weapons | arme | armes | arma | armas | sword | epee | espada | dagger | poignard | punal | rifle | fusil | pistol | pistolet | pistola
type cutlery: spoon | cuillere | cuchara | fork | fourchette | tenedor | knife | couteau | cuchillo | cutlery | cubiertos
type stamp_postal: postage stamp | timbre poste | timbre | sello postal | sello de correos

type ushabti* > figurine: ushabti | ushabtis | shabti | shawabti | oushebti | ouchebti | chaouabti | shauabti
type scarab* > amulet: scarab | scarabee | escarabajo | scaraboid | scaraboide
type amulet: amulet | amulette | amuleto | talisman
type canopic_jar* > jar: canopic jar | canopic | vase canope | canope | vaso canopo | canopo
type coffin: coffin | sarcophagus | sarcophage | sarcofago | ataud | cercueil | mummy case
type mummy_mask* > mask: mummy mask | masque de momie | mascara de momia | cartonnage mask | mummy portrait | portrait du fayoum | fayum portrait | retrato de el fayum | fayoum
type papyrus* > manuscript: papyrus | papyri | papiro | papiros
type architectural_element: lintel | linteau | dintel | pediment | fronton | fronton@es | colonnette | columnette | colonnettes | pilaster | pilastre | pilastra | capital | chapiteau | capitel | architectural element | element architectural | elemento arquitectonico | architectural fragment | fragment architectural | fragmento arquitectonico | balustrade | balaustre | doorway | carved door | porte sculptee | puerta tallada
type finial: finial | fleuron | pinacle | remate | pole finial | palanquin fitting
type ritual_disc* > jewellery: ritual disc | disque rituel | disco ritual | bi disc | disque bi | disco bi | cong | tube cong | bi
type ritual_bronze* > vessel: ding | gu | jue | gui | zun | hu vessel | vase hu | you vessel | tripod | trepied | tripode | ritual vessel | vase rituel | vasija ritual | ritual bronze | bronze rituel | bronce ritual
type tomb_figure* > figurine: tomb figure | tomb figures | mingqi | figure funeraire | statuette funeraire | figura funeraria | figurilla funeraria | tomb guardian | gardien de tombe | guardian figure
type horse_figure > figurine: horse | cheval | caballo | camel | chameau | camello
type zemi* > sculpture: zemi | zemis | cemi | cemis | three pointer | three pointed stone | trigonolito | trigonolitos | pierre a trois pointes | piedra de tres puntas
type duho* > furniture: duho | duhos | ceremonial seat | siege ceremoniel | asiento ceremonial
type spatula* > pin: vomiting spatula | spatule vomitive | espatula vomica | espatula | spatule | spatula
type metate* > sculpture: metate | metates | grinding stone | meule | piedra de moler | mano de metate
type tool: tool | tools | outil | outils | herramienta | herramientas | pestle | pilon | mano@es | mortar | mortier | mortero | celt | hacha ceremonial | ceremonial axe | hache ceremonielle | projectile point | pointe de fleche | punta de proyectil | arrowhead | knife blade
type incense_burner* > censer: incense burner | brule parfum | brule encens | quemador de incienso | incensario de piedra | altar | autel | autel a encens | altar de incienso
type stele* > relief: stele | stela | steles | stelae | stele funeraire | estela funeraria | funerary stele
type inscribed_stick* > inscription: inscribed stick | palm stick | baton inscrit | palo inscrito | zabur | minuscule script | inscribed palm leaf stalk
type torc > jewellery: torc | torque | torques | gorget | pectoral | pectoral@es | fibula | fibule | brooch | broche
type horse_harness: harness | harnais | arnes | bridle | mors | bit | psalion | psalia | horse trappings | cheek piece
type rushnyk* > textile: rushnyk | rushnyky | rouchnyk | embroidered towel | serviette brodee | toalla bordada
type flag > textile: flag | drapeau | bandera | banner | banniere | estandarte | drapo | sequined flag | drapeau vodou | bandera vodu
type rattle: rattle | hochet | sonajero | maraca | asson | ason
type retablo > painting: retablo | retable | altarpiece | exvoto | ex voto | tin painting
type santo > statue: santo | santos | saint figure | statue de saint | imagen de santo | imagen religiosa | religious figure | figure religieuse | talla religiosa | estofado | estofe | virgin | vierge | virgen | christ | cristo | saint
type liturgical_silver > vessel: liturgical silver | church silver | orfevrerie liturgique | orfevrerie religieuse | plateria liturgica | plateria religiosa | chalice | calice | caliz | monstrance | ostensoir | custodia | ciborium | ciboire | copon | reliquary | reliquaire | relicario | candlestick | chandelier | candelero | candelabro | censer@en | paten | patene | patena
type document > manuscript: document | documents | archive | archives | archivo | archivos | letter | lettre | carta | map | carte | mapa | deed | acte notarie | escritura notarial | register | registre | registro | decree | decret | decreto
type rock_art* > relief: rock art | rock painting | rock engraving | art rupestre | peinture rupestre | gravure rupestre | arte rupestre | pintura rupestre | petroglyph | petroglyphe | petroglifo
type tunjo* > figurine: tunjo | tunjos | votive figure | figure votive | figura votiva | ofrenda votiva
type poporo* > flask: poporo | lime container | lime flask | recipient a chaux | recipiente para cal | lime pot
type stirrup_bottle* > bottle: stirrup spout bottle | stirrup vessel | vase a anse etrier | vasija de asa estribo
type spindle_whorl: spindle whorl | fusaiole | volante de huso | torteru | sello cilindrico de barro | roller stamp | pintadera
type cylinder_vase* > cup: cylinder vase | vase cylindrique | vaso cilindrico | codex style vase
type effigy_vessel > vessel: effigy vessel | vase effigie | vasija efigie | vasija antropomorfa | vase anthropomorphe | vasija zoomorfa | vase zoomorphe
type shield: shield | bouclier | escudo@en
type drum: drum | tambour | tambor | kettle drum | bronze drum | tambour de bronze | tambor de bronce
type mirror: mirror | miroir | espejo | bronze mirror | miroir de bronze | espejo de bronce
type frame: frame | cadre | marco | picture frame | gilt frame | cadre dore | marco dorado
type kamyana_baba* > statue: kamyana baba | stone baba | baba de pierre | baba de piedra | polovtsian statue | statue polovtsienne | estatua polovtsiana | cuman statue | kurgan stele | stele de kourgane | estela de kurgan
type lime_pot > jar: lime pot | pot a chaux | recipiente de cal
type mosque_lamp* > lamp: mosque lamp | lampe de mosquee | lampara de mezquita
type cut_metal* > sculpture: cut metal | metal decoupe | fer decoupe | metal recortado | hierro recortado | oil drum sculpture | sculpture en fer decoupe | escultura de metal recortado | bidon decoupe

material stone: stone | pierre | piedra | lithic | lithique | rock | roche | roca
material lapis_lazuli > stone: lapis lazuli | lapis | lapislazuli
material hematite > stone: hematite | hematites
material chalcedony > stone: chalcedony | calcedoine | calcedonia | agate | agata | carnelian | cornaline | cornalina | jasper | jaspe | quartz | cuarzo | rock crystal | cristal de roche | cristal de roca
material steatite > stone: steatite | soapstone | esteatita | pierre a savon | pierre de savon | piedra jabon | stealite
material chlorite > stone: chlorite | clorita
material calcite > stone: calcite | calcita
material alabaster > stone: alabaster | albatre | alabastro
material gypsum > stone: gypsum | gypse | yeso | mosul marble | marbre de mossoul
material limestone > stone: limestone | calcaire | caliza | piedra caliza | pierre calcaire
material basalt > stone: basalt | basalte | basalto | diorite | diorita
material schist > stone: schist | schiste | esquisto | pizarra | phyllite | phyllade
material marble > stone: marble | marbre | marmol
material jade > stone: jade | nephrite | nefrita
material shell: shell | coquillage | coquille | concha | nacre | mother of pearl | spondylus
material clay: clay | argile | arcilla | barro | unbaked clay | argile crue | terre
material terracotta > clay: terracotta | terra cotta | terre cuite | terracota | fired clay | argile cuite | arcilla cocida | barro cocido
material ceramic > clay: ceramic | ceramics | pottery | earthenware | ceramique | poterie | faience | ceramica | alfareria | loza | terre vernissee | stoneware | gres
material fritware > ceramic: fritware | stonepaste | pate siliceuse | pasta siliceous | pasta silicea | frit
material porcelain: porcelain | porcelaine | porcelana | bone china
material glaze: glaze | glazed | glacure | glacure | vernisse | vidriado | esmaltado | lustre | lustreware | reflet metallique | reflejo metalico
material ink: ink | encre | tinta
material metal: metal | metalwork | metallic | metallique | metalico | metaux
material gold > metal: gold | golden | or@fr | dore | oro | gilt | gilded | dorado | feuille d or | gold leaf | pan de oro
material silver > metal: silver | argent | plata | argente | plateado | silvered
material copper > metal: copper | cuivre | cobre | copper alloy | alliage cuivreux | aleacion de cobre | alliage de cuivre | tumbaga
material bronze > copper: bronze | bronce
material brass > copper: brass | laiton | laton
material iron > metal: iron | fer@fr | hierro
material steel > metal: steel | stainless steel | acier | acier inoxydable | acero | acero inoxidable
material aluminium > metal: aluminium | aluminum | aluminio
material glass: glass | verre | vidrio | cristal@es
material ivory: ivory | ivoire | marfil | tusk
material bone: bone | os@fr | hueso | antler | bois de cerf | asta
material wood: wood | wooden | bois@fr | madera | de madera | en bois | timber
material paper: paper | papier | papel | cardboard | carton
material parchment: parchment | vellum | parchemin | velin | pergamino | vitela
material birch_bark: birch bark | ecorce de bouleau | corteza de abedul | bark | ecorce | corteza
material palm_leaf: palm leaf | feuille de palmier | hoja de palma | olla leaf
material cotton > fibre: cotton | coton | algodon
material wool > fibre: wool | laine | lana | woollen | camelid | camelide | camelido | alpaca | vicuna | llama@en
material fibre: fibre | fiber | fibra | raffia | raphia | rafia | plant fibre | fibre vegetale | fibra vegetal | thread | fil@fr | hilo
material feathers: feather | feathers | plume | plumes | pluma | plumas | featherwork | plumaria
material canvas: canvas | toile | lienzo | linen canvas
material oil_paint: oil paint | oil | huile | oleo | a l huile | al oleo
material pigment: pigment | pigments | pigmento | ochre | ocre | kaolin | caolin | paint | painted surface
material stucco: stucco | stuc | estuco | plaster | platre
material resin: resin | resine | resina | mopa mopa | lacquer | laque | laca
material plastic: plastic | plastique | plastico | vinyl | vinilo | nylon | polyester
material leather: leather | cuir | cuero
material silk: silk | soie | seda

material sandstone > stone: sandstone | gres@fr | arenisca | gres rose | pink sandstone
material greenstone > stone: greenstone | pierre verte | piedra verde | serpentine | serpentina | serpentinite | jadeite | jadeita | albite
material obsidian > stone: obsidian | obsidienne | obsidiana
material granite > stone: granite | granit | granito | quartzite | quartzita | cuarcita | diorite@en | greywacke | grauwacke
material faience_eg* > ceramic: egyptian faience | faience egyptienne | fayenza egipcia | fayenza | blue faience | glazed composition
material papyrus_m* > paper: papyrus | papyri | papiro
material cartonnage* > paper: cartonnage | cartonaje | linen and plaster | toile stuquee
material tempera > pigment: tempera | detrempe | temple@es | egg tempera | tempera a l oeuf | gesso | levkas
material lacquer: lacquer@en | urushi
material sequins: sequins | paillettes | lentejuelas | beadwork | perles de verre cousues
material tumbaga* > gold: tumbaga | guanin | alliage or cuivre | aleacion de oro y cobre
material linen > fibre: linen | lin | lino | bandages | bandelettes | vendas
material jet: jet | jais | azabache
material laterite > stone: laterite | laterita

technique carved: carved | carving | sculpte | sculptee | taille | tallado | tallada | esculpido | cut
technique engraved: engraved | incised | grave | gravee | incise | incisee | grabado@es | inciso | incisa | incisions | incisiones
technique drilled: drilled | pierced | perce | percee | perfore | perfora | perforado | perforada | bore
technique inscribed: inscribed | inscrit | inscrite | inscrito | inscrita | written | ecrit | escrito
technique cuneiform: cuneiform | cuneiforme | wedge shaped | en forme de coins | en forma de cuna | clou
technique moulded: moulded | molded | mould made | moule | moulee | moldeado | moldeada | en molde | mould
technique modelled: modelled | modeled | hand modelled | modele | modelee | modelado | modelada | a la main | a mano
technique cast: cast | fondu | coule | coulee | fundido | fundida | vaciado
technique lost_wax > cast: lost wax | cire perdue | cera perdida
technique hammered: hammered | martele | martelee | martillado | repousse | repujado | repoussee | embossed
technique struck: struck | minted | frappe | frappee | acunado | acunada
technique painted: painted | peint | peinte | pintado | pintada | polychrome | polychromie | polychromy | policromo | policroma | slip | engobe
technique glazed: glazed | glaze | glacure | emaille | vidriado | vidriada | esmaltado | esmaltada
technique woven: woven | tisse | tissee | tejido | tejida | weaving | tapestry weave | embroidered | brode | brodee | bordado | bordada
technique blown: blown | souffle | soufflee | soplado | soplada | mould blown
technique calligraphy: calligraphy | calligraphie | caligrafia | calligraphic | calligraphique | caligrafico | illuminated | enlumine | iluminado
technique figure_painting > painted: black figure | red figure | figures noires | figures rouges | figuras negras | figuras rojas
technique mosaic_work: mosaic work | tesselated | opus tessellatum
technique inlaid: inlaid | incruste | incrustado | incrustacion | inlay
technique printed: printed | imprime | imprimee | impreso | impresa | offset | screen printed | serigraphie | serigrafia
technique repousse_work > hammered: granulation | granulacion | filigree | filigrane | filigrana | cloisonne
technique false_filigree > cast: false filigree | faux filigrane | falsa filigrana
technique sancai* > glazed: sancai | three colour | trois couleurs | tres colores | san cai
technique musnad* > inscribed: musnad | south arabian script | ecriture sud arabique | escritura sudarabiga | sabaean script | ecriture sabeenne | sabeo
technique hieroglyphs* > inscribed: hieroglyph | hieroglyphs | hieroglyphic | hieroglyphe | hieroglyphique | jeroglifico | jeroglificos | hieratic | hieratique | hieratico | demotic | demotique | demotico
technique tapestry > woven: tapestry woven | tapisserie | tapiz | tapestry
technique gilded: gilded | gilt | dore | doree | dorado | dorada | estofado
technique lustre_painting > painted: lustre | lustreware | lustre painted | reflet metallique | reflejo metalico
technique openwork: openwork | ajoure | ajouree | calado | calada | pierced work
technique burnished: burnished | bruni | brunie | brunido | bruñido | polished | poli | pulido
technique machine_made: machine made | industrial | industriel | industrielle | mass produced | fabrique en serie | fabricado en serie | factory
"""

PLACES = """
place middle_east: middle east | near east | moyen orient | proche orient | oriente medio | oriente proximo | cercano oriente
place iraq > middle_east: iraq | irak | iraqi | irakien | irakienne | iraqui | iraqi | baghdad | bagdad
place mesopotamia > iraq: mesopotamia | mesopotamian | mesopotamie | mesopotamien | mesopotamienne | mesopotamico | mesopotamica | tigris | euphrates | euphrate | eufrates
place sumer > mesopotamia: sumer | sumerian | sumerien | sumerienne | sumerio | sumeria | ur | uruk | lagash | nippur | girsu | tello
place akkad > mesopotamia: akkad | akkadian | akkadien | acadio | acadia
place babylon > mesopotamia: babylon | babylonian | babylone | babylonien | babylonienne | babilonia | babilonio | babilonica
place assyria > mesopotamia: assyria | assyrian | assyrie | assyrien | assyrienne | asiria | asirio | asiria | nineveh | ninive | nimrud | khorsabad | ashur | assur
place persia > middle_east: persia | persian | perse | persan | persa | iran | iranian | iranien | irani | sasanian | sassanide | sasanida | nishapur | nichapur
place syria > middle_east: syria | syrian | syrie | syrien | syrienne | siria | sirio | siria | aleppo | alep | alepo | damascus | damas | damasco | raqqa | rakka | mari | ebla | apamea | apamee
place palmyra > syria: palmyra | palmyre | palmira | palmyrene | palmyrenien | palmyrenienne | palmireno | palmirena
place tell_brak > syria: tell brak | brak
place ugarit > syria: ugarit | ras shamra
place levant > middle_east: levant | levantine | levantin | levante | phoenician | phenicien | fenicio | canaanite | cananeen | cananeo | lebanon | liban | libano
place byzantium > middle_east: byzantium | byzance | bizancio | constantinople
place central_asia: central asia | asie centrale | asia central
place afghanistan > central_asia: afghanistan | afghan | afghane | afgano | afgana | afganistan | kabul | kaboul | herat | ghazni | bamiyan | begram | bagram | hadda
place bactria > afghanistan: indo greek | indo grec | indo grecque | indogriego | indogriega | kushan | kouchan | kushana | bactria | bactrian | bactriane | bactrien | bactrienne | bactriano | bactriana | oxus | bmac | ai khanoum | balkh
place gandhara > afghanistan: gandhara | gandharan | gandharien | gandharienne | gandharico | taxila | swat
place south_asia: south asia | asie du sud | asia del sur | india | inde | indian | indien
place pakistan > south_asia: pakistan | pakistani | pakistanais | paquistan
place africa: africa | afrique | african | africain | africaine | africano | africana
place west_africa > africa: west africa | west african | afrique de l ouest | afrique occidentale | ouest africain | africa occidental | africa del oeste | sahel
place nigeria > west_africa: nigeria | nigerian | nigerien | nigeriano | yoruba | igbo | igbo ukwu | ife | ile ife | benin city | edo | esie | sokoto | katsina | kwara | jos plateau
place nok > nigeria: nok
place mali > west_africa: mali | malian | malien | malienne | maliense | dogon | bamana | bambara | bamako | tombouctou | timbuktu | tombuctu
place djenne > mali: djenne | jenne | djenne jeno | jenne jeno | niger delta | delta interieur du niger | delta interior del niger | inland niger delta
place niger > west_africa: niger | bura | tillaberi | niamey
place burkina_faso > west_africa: burkina faso | burkina | burkinabe | mossi | lobi | bobo
place sierra_leone > west_africa: sierra leone | sierra leona | sapi | kissi | nomoli | pomdo | sherbro
place guinea > west_africa: guinea | guinee | guinean | baga
place benin > west_africa: benin | dahomey | fon
place ghana > west_africa: ghana | ghanaian | ashanti | akan | komaland | koma
place cote_divoire > west_africa: cote d ivoire | ivory coast | ivoirien | ivoirienne | marfil costa | costa de marfil | senufo | senoufo | baule | baoule | dan
place north_africa > africa: north africa | afrique du nord | africa del norte | maghreb | magreb
place egypt > north_africa: egypt | egyptian | egypte | egyptien | egyptienne | egipto | egipcio | egipcia | thebes | tebas | luxor | louxor | saqqara | sakkara | memphis | giza | gizeh | abydos | fayum | fayoum | alexandria | alexandrie | alejandria | cairo | le caire | el cairo | nile | nil | nilo | amarna | pharaonic | pharaonique | faraonico | faraonica | coptic | copte | copto | copta
place libya > north_africa: libya | libye | libia | libyan | libyen | libyenne | libio | libia@es | cyrene | cyrenaica | cyrenaique | cirenaica | cirene | leptis magna | lepcis | sabratha | sabrata | tripoli | tripolitania | tripolitaine | tripolitania@es | fezzan | garamantian | garamante | acacus | akakus | tadrart | benghazi | apollonia
place arabia > middle_east: arabia | arabian | arabie | arabique | arabia@es
place yemen > arabia: yemen | yemeni | yemenite | yemenita | yemen@es | saba | sabaean | sabeen | sabeo | sheba | marib | hadramawt | hadramaout | hadramut | qataban | himyar | himyarite | himyarite@fr | himyarita | sanaa | sana a | shabwa | timna | aden | zabid | tihama | south arabia | south arabian | arabie du sud | sud arabique | sudarabigo | arabia del sur
place ukraine > europe: ukraine | ukrainian | ukrainien | ukrainienne | ucrania | ucraniano | ucraniana | kyiv | kiev | kyivan | kievan | kievan rus | rus de kiev | rus de kiev@es | kharkiv | odesa | odessa | lviv | chernihiv | crimea | crimee | crimea@es | olbia | chersonesos | chersonese | panticapaeum | kerch | scythia | scythian | scythe | escita | escitia | sarmatian | sarmate | sarmata | trypillia | trypillian | tripolye | cucuteni | zaporizhzhia | poltava | dnipro | dnieper | dniepr | black sea | mer noire | mar negro | polovtsian | cuman | coumane | cumano | chernihiv
place southeast_asia: southeast asia | asie du sud est | sudeste asiatico | sureste asiatico
place cambodia > southeast_asia: cambodia | cambodge | camboya | cambodian | cambodgien | cambodgienne | camboyano | camboyana | khmer | khmere | jemer | angkor | angkorian | angkorien | koh ker | phnom penh | siem reap | banteay srei | baphuon | bayon | preah vihear | funan | chenla | kampuchea | bakheng
place thailand > southeast_asia: thailand | thailande | tailandia | thai | siam | siamese | ban chiang
place central_africa > africa: central africa | afrique centrale | africa central | chad | tchad | cameroon | cameroun | camerun | sao | lake chad | lac tchad | lago chad
place oceania: oceania | oceanie | oceania@es | pacific | pacifique | pacifico | new guinea | nouvelle guinee | nueva guinea | papua | papouasie | melanesia | melanesie | polynesia | polynesie | australia | australie | aboriginal | aborigene | aborigen | new zealand | nouvelle zelande | nueva zelanda | maori | easter island | ile de paques | isla de pascua | rapa nui
place americas: americas | amerique | america latina | latin america | amerique latine | latinoamerica
place peru > south_america: peru | peruvian | perou | peruvien | peruvienne | peruano | peruana | lima | andes | andean | andin | andine | andino | andina
place cusco > peru: cusco | cuzco
place north_coast_peru > peru: north coast | cote nord | costa norte | trujillo | lambayeque | sipan | chimu | chavin
place south_coast_peru > peru: south coast | cote sud | costa sur | ica | paracas | nazca | nasca | ocucaje
place central_coast_peru > peru: central coast | cote centrale | costa central | chancay | pachacamac | huaura
place wari > peru: wari | huari
place moche > north_coast_peru: moche | mochica | mochicas
place mesoamerica > americas: mesoamerica | mesoamerican | mesoamerique | mesoamericain | mesoamericaine | mesoamericano | mesoamericana | precolumbian mexico
place maya > mesoamerica: maya | mayan | mayas | maya lowlands | peten | jaina | copan | palenque | tikal | yucatan
place mexico > mesoamerica: mexico | mexique | mexican | mexicain | mexicaine | mexicano | mexicana | aztec | azteque | azteca | mexica | olmec | olmeque | olmeca | teotihuacan | colima | nayarit | jalisco | west mexico | occidente de mexico | ouest du mexique | veracruz | oaxaca | zapotec | zapoteque | zapoteca | mixtec | mixteque | mixteca | puebla | guerrero | mezcala | huastec | huasteque
place central_america > mesoamerica: central america | amerique centrale | centroamerica | america central | centro america | isthmus | isthme
place guatemala > central_america: guatemala | guatemalan | guatemalteque | guatemalteco | guatemalteca | antigua guatemala
place belize > central_america: belize | belice
place honduras > central_america: honduras | hondurian | hondurien | hondureno | hondurena | ulua
place el_salvador > central_america: el salvador | salvadorien | salvadoreno
place nicaragua > central_america: nicaragua | nicaraguan | nicaraguayen | nicaraguense
place costa_rica > central_america: costa rica | costa rican | costaricien | costarricense | diquis | guanacaste | nicoya
place panama > central_america: panama | panamanian | panameen | panameno | cocle | veraguas | sitio conte | gran cocle
place south_america > americas: south america | amerique du sud | sudamerica | america del sur | sud america | sudamericano | south american
place bolivia > south_america: bolivia | bolivie | bolivian | bolivien | bolivienne | boliviano | boliviana | tiwanaku | tiahuanaco | potosi | la paz | chuquisaca | titicaca
place ecuador > south_america: ecuador | equateur | ecuadorian | equatorien | equatorienne | ecuatoriano | ecuatoriana | valdivia | quito | jama coaque | manteno | chorrera | bahia
place argentina > south_america: argentina | argentine | argentin | argentino | aguada | santa maria | condorhuasi | cienaga | diaguita
place chile > south_america: chile | chili | chilean | chilien | chileno | chilena | mapuche | atacama | chinchorro
place brazil > south_america: brazil | bresil | brasil | brazilian | bresilien | brasileno | brasileira | marajo | marajoara | santarem | tapajos | amazon | amazonie | amazonia | amazonian | sao paulo | rio de janeiro
place venezuela > south_america: venezuela | venezuelan | venezuelien | venezolano | venezolana
place paraguay > south_america: paraguay | paraguayan | paraguayo | jesuit missions | missions jesuites | misiones jesuiticas | guarani
place caribbean > americas: caribbean | caraibes | caraibe | caribe | antilles | antillas | west indies | greater antilles | grandes antilles
place cuba > caribbean: cuba | cuban | cubain | cubaine | cubano | cubana | la havane | havana | la habana
place puerto_rico > caribbean: puerto rico | porto rico | puerto rican | portoricain | puertorriqueno | boriken | borinquen
place hispaniola > caribbean: hispaniola | la espanola | isla espanola | taino | tainos | taina | taina@es
place haiti > hispaniola: haiti | haitian | haitien | haitienne | haitiano | haitiana | port au prince | jacmel | cap haitien | les cayes | centre d art | saint domingue | croix des bouquets
place dominican_republic > hispaniola: dominican republic | republique dominicaine | republica dominicana | dominican | dominicain | dominicaine | dominicano | dominicana | santo domingo | la romana | samana | higuey
place colombia > south_america: colombia | colombie | colombian | colombien | colombienne | colombiano | colombiana | muisca | muiscas | quimbaya | tairona | zenu | sinu | calima | tolima | narino | tumaco | tolita | san agustin | tierradentro | bogota | santafe de bogota | new granada | nouvelle grenade | nueva granada | tunja | popayan | cauca | urabá | uraba
place europe: europe | european | europeen | europeenne | europa | europeo | europea
place britain > europe: england | english | angleterre | anglais | anglaise | inglaterra | ingles | inglesa | britain | british | britannique | britanico | london | londres | scotland | victorian | victorien | victoriano
place france > europe: france | francia | french | francais | francaise | frances | francesa | paris
place switzerland > europe: switzerland | swiss | suisse | suiza | suizo | geneva | geneve | ginebra
place germany > europe: germany | german | allemagne | allemand | alemania | aleman | alemana
place italy > europe: italy | italian | italie | italien | italienne | italia | italiano | italiana | rome | roma | venice | venise | venecia | murano
place spain > europe: spain | spanish | espagne | espagnol | espana | espanol | espanola | madrid | sevilla | seville
place greece > europe: greece | greek | grece | grec | grecque | grecia | griego | griega | athens | athenes | atenas | attic | attique | atico | corinth | corinthe | corinto | hellenic
place low_countries > europe: flanders | flandre | flandes | flemish | flamand | flamenco | belgium | belgique | belgica | netherlands | pays bas | paises bajos | holland | hollande | holanda | dutch | hollandais | neerlandais | holandes | amsterdam | antwerp | anvers | amberes
place russia > europe: russia | russian | russie | russe | rusia | ruso | rusa | moscow | moscou | moscu | saint petersburg | novgorod
place france_towns > france: limoges | sevres | lyon | rouen | marseille
place east_asia: east asia | asie de l est | asie orientale | asia oriental | edo period | meiji | japan | japanese | japon | japonais | japonaise | japones | japonesa | korea | coree | corea
place china > east_asia: qing | ming | tang dynasty | song dynasty | han dynasty | china | chinese | chine | chinois | chinoise | chino | china@es | henan | shaanxi | xian | anyang | sichuan | gansu | shandong | hebei | hongshan | liangzhu | yangshao | majiayao | longshan | shang | zhou | sanxingdui | xi an | longmen | yungang | dunhuang | beijing | pekin | pekin@es
place north_america: united states | usa | etats unis | estados unidos | canada | new york | nueva york
"""

# Named periods and cultures: id, year_from, year_to, terms.
PERIODS = """
-7000 -3000 neolithic | neolithique | neolitico
-3300 -1200 bronze age | age du bronze | edad del bronce
-1200 -550 iron age | age du fer | edad del hierro
-3100 -2000 sumerian | sumerien | sumerienne | sumerio | early dynastic | dynastique archaique
-2350 -2150 akkadian | akkadien | acadio
-2000 -1600 old babylonian | paleo babylonien | paleobabilonico | babilonico antiguo
-900 -600 neo assyrian | neo assyrien | neoasirio | assyrian | assyrien | asirio
-626 -539 neo babylonian | neo babylonien | neobabilonico
-550 -330 achaemenid | achemenide | aqueménida | aquemenida
-330 -30 hellenistic | hellenistique | helenistico | seleucid | seleucide | seleucida
-250 225 parthian | parthe | parto | arsacid
224 651 sasanian | sassanide | sasanida | sassanid
-200 10 indo greek | indo grec | indo grecque | indogriego
30 375 kushan | kouchan | kushana | kouchane
1 700 gandharan | gandharien | gandharico
-27 476 roman | romain | romaine | romano | romana | roman period | epoque romaine | epoca romana
330 1453 byzantine | byzantin | byzantine | bizantino | bizantina
632 1900 islamic | islamique | islamico | islamica
661 750 umayyad | omeyyade | omeya
750 1258 abbasid | abbasside | abasi | abasida
977 1186 ghaznavid | ghaznevide | gaznavida
1171 1260 ayyubid | ayyoubide | ayubi | ayyubi
1250 1517 mamluk | mamelouk | mameluco
500 1500 medieval | moyen age | medievale | edad media
-900 300 nok
1000 1700 djenne | jenne
200 1200 bura
100 800 moche | mochica
-100 700 nazca | nasca
-800 100 paracas
600 1000 wari | huari
900 1470 chimu
1000 1470 chancay
1400 1532 inca | inka | incaique | incaico | incaica
1532 1821 colonial | viceregal | virreinal | vice royaute | viceroyalty
1400 1600 sapi | nomoli | pomdo
1837 1901 victorian | victorien | victorienne | victoriano
1890 1910 art nouveau
1920 1940 art deco
1368 1644 ming
1644 1912 qing
-1600 -1046 shang | shang dynasty | dynastie shang | dinastia shang | erligang | anyang period
-1046 -256 zhou | zhou dynasty | western zhou | eastern zhou | zhou occidentaux | zhou orientaux | zhou occidental | zhou oriental | spring and autumn | printemps et automnes | primaveras y otonos
-475 -221 warring states | royaumes combattants | reinos combatientes
-206 220 han | han dynasty | dynastie han | dinastia han | western han | eastern han
386 534 northern wei | wei du nord | wei del norte
581 618 sui | sui dynasty
618 907 tang | tang dynasty | dynastie tang | dinastia tang
960 1279 song dynasty | dynastie song | dinastia song | northern song | southern song
1271 1368 yuan | yuan dynasty | dynastie yuan | dinastia yuan
-3500 -2000 hongshan | liangzhu | longshan
-5000 -2000 yangshao | majiayao | banshan
-3100 -2686 early dynastic egypt | thinite | predynastic | predynastique | predinastico | naqada | nagada
-2686 -2181 old kingdom | ancien empire | imperio antiguo | reino antiguo
-2055 -1650 middle kingdom | moyen empire | imperio medio | reino medio
-1550 -1069 new kingdom | nouvel empire | imperio nuevo | reino nuevo | ramesside | ramesside@fr | amarna period
-1069 -664 third intermediate period | troisieme periode intermediaire | tercer periodo intermedio
-664 -332 late period | basse epoque | epoca baja | periodo tardio | saite | saite@fr | saita
-332 -30 ptolemaic | ptolemaique | ptolemaico | lagide
-3100 -30 pharaonic | pharaonique | faraonico | faraonica | dynastic egypt
300 1200 coptic | copte | copto | copta
909 1171 fatimid | fatimide | fatimi | fatimita
1299 1922 ottoman | ottomane | ottoman@fr | otomano | otomana
-1200 -400 olmec | olmeque | olmeca
-2000 250 preclassic | formative | preclassique | formatif | preclasico | formativo
250 900 classic maya | maya classique | maya clasico | late classic | classique recent | clasico tardio | early classic | clasico temprano
900 1521 postclassic | postclassique | posclasico
1 650 teotihuacan
1300 1521 aztec | azteque | azteca | mexica
-300 600 colima | nayarit | jalisco | shaft tomb | tombes a puits | tumbas de tiro
600 1500 taino | taina | tainos | taino@fr
-3500 -1500 valdivia
500 1000 tiwanaku | tiahuanaco
400 1400 marajoara
-500 600 quimbaya | calima
600 1600 muisca | tairona | zenu
-700 350 tumaco | tolita | la tolita
-100 900 san agustin | tierradentro
500 1500 diquis | cocle | gran cocle
-5000 -2700 trypillia | trypillian | tripolye | cucuteni
-700 -200 scythian | scythe | escita | scythique
-400 400 sarmatian | sarmate | sarmata
880 1240 kievan rus | rus de kiev | rus kievienne
1000 1300 polovtsian | cuman | coumane | cumano
-1000 300 sabaean | sabeen | sabeo | south arabian | sud arabique | sudarabigo | qatabanian | minaean
-110 525 himyarite | himyarita
-800 -480 archaic greek | grec archaique | griego arcaico | archaic period
-480 -323 classical greek | grec classique | griego clasico | classical period
550 800 pre angkorian | preangkorien | preangkorienne | preangkoriano | preangkoriana | pre angkor
802 1431 angkorian | angkor period | angkorien | angkorienne | angkoriano | angkoriana | epoque angkorienne | periodo de angkor
921 944 koh ker
1010 1080 baphuon
1181 1220 bayon
1100 1175 angkor wat style | style d angkor vat | estilo angkor wat
1550 1825 spanish colonial | colonial espagnol | colonial espanol | hispanic colonial
1900 2030 modern | moderne | moderno | moderna | contemporary | contemporain | contemporaine | contemporaneo | contemporanea | industrial | industriel | 20th century
"""
